-- GM06 Number of Health and Safety Executive reports completed (RIDDOR) - Children's.
-- Latest quarter; smaller is better; a count.
-- numerator:   reports made to the HSE (reported_date) in the quarter for incidents in the
--              Children & Young People directorate. The incident may be in an earlier quarter.
-- denominator: none.
-- sources:     hr_sap riddor_reports (directorate, reported_date).
SELECT
    c.council_code,
    'GM06'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    NULL::DOUBLE                             AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm06_riddor_reports_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
