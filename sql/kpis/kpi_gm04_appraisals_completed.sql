-- GM04 % of appraisals completed (and entered on SAP) - Children's. Rolling year; bigger is better.
-- denominator: appraisals of Children & Young People staff due in the 12 months to the period end
--              (due_date from the day after the period end a year earlier, to the period end),
--              where the employee was in post on the due date.
-- numerator:   those of them completed on or before the period end AND recorded on SAP on or
--              before the period end (an appraisal held but not yet on SAP does not count).
-- value:       100 x numerator / denominator, 1 decimal. Reported from Q1 2023/24
--              (reference/kpis.csv first_period_end).
-- sources:     hr_sap appraisals (due_date, completed_date, entered_on_sap_date), staff_in_post.
SELECT * FROM kpi_totals('kpis.kpi_gm04_appraisals_completed_detail', 'GM04', 'hr_sap__staff_in_post')
