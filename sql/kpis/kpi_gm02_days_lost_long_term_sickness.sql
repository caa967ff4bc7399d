-- GM02 Days lost to long-term sickness/absence per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   as GM01, counting only spells that last more than 20 working days in total (the
--              whole spell, even where it starts in an earlier quarter; an open spell is measured
--              to the period end). Only the spell's days inside the quarter count.
-- denominator: average FTE of the Children & Young People directorate over the quarter.
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences, hr_sap staff_in_post.
SELECT
    c.council_code,
    'GM02'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    coalesce(sum(d.denominator_value), 0)    AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm02_days_lost_long_term_sickness_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
