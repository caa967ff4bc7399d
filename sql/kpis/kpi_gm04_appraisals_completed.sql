-- GM04 % of appraisals completed (and entered on SAP) - Children's. Rolling year; bigger is better.
-- denominator: appraisals of Children & Young People staff due in the 12 months to the period end
--              (due_date from the day after the period end a year earlier, to the period end),
--              where the employee was in post on the due date.
-- numerator:   those of them completed on or before the period end AND recorded on SAP on or
--              before the period end (an appraisal held but not yet on SAP does not count).
-- value:       100 x numerator / denominator, 1 decimal. Reported from Q1 2023/24
--              (reference/kpis.csv first_period_end).
-- sources:     hr_sap appraisals (due_date, completed_date, entered_on_sap_date), staff_in_post.
SELECT
    c.council_code,
    'GM04'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    coalesce(sum(d.denominator_value), 0)    AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm04_appraisals_completed_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
