-- GM03 Days lost to stress per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   as GM01, counting only spells whose reason code has category `stress` in
--              reference/absence_reasons.csv (S04 work-related stress; S05 stress, anxiety,
--              depression and other mental health), of any length.
-- denominator: average FTE of the Children & Young People directorate over the quarter.
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences (reason_code), hr_sap staff_in_post.
SELECT
    c.council_code,
    'GM03'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    coalesce(sum(d.denominator_value), 0)    AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm03_days_lost_stress_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
