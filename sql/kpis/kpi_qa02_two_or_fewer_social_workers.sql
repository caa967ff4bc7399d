-- QA02 % of children open to social care with 2 or fewer social workers in 6 months.
-- Snapshot at the period end; bigger is better.
-- denominator: children with a social worker allocation open at the period end (start_date on or
--              before it, end_date empty or on or after it).
-- numerator:   those with at most 2 different workers among their allocations that overlap the
--              six months to the period end (start_date <= P and end_date empty or after P minus
--              6 months; an allocation that ended exactly six months before does not count).
-- value:       100 x numerator / denominator, 1 decimal. Local measure, no DfE equivalent.
-- sources:     social_care allocations (child_id, worker_id, start_date, end_date).
SELECT * FROM kpi_totals('kpis.kpi_qa02_two_or_fewer_social_workers_detail', 'QA02', 'social_care__allocations')
