-- QA01 % of audits judged as good or better. Latest quarter; bigger is better.
-- denominator: case file audits with audit_date in the quarter that were graded (grade other
--              than "Not graded": an audit that could not be graded says nothing about practice).
-- numerator:   those graded Outstanding or Good.
-- value:       100 x numerator / denominator, 1 decimal. No DfE equivalent (local measure).
-- sources:     social_care qa_audits (audit_date, grade).
SELECT * FROM kpi_totals('kpis.kpi_qa01_audits_good_or_better_detail', 'QA01', 'social_care__qa_audits')
