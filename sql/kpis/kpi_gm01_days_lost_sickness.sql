-- GM01 Days lost to sickness/absence per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   FTE days lost to sickness in the quarter by staff of the Children & Young People
--              directorate: working days (Mon-Fri less E&W bank holidays) of each spell that fall
--              inside the quarter and inside the employment, times the employee's FTE.
-- denominator: average FTE of the directorate over the quarter (calendar-day average).
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences (absence_start, absence_end, reason_code),
--              hr_sap staff_in_post (directorate, fte, start_date, leaving_date).
SELECT
    c.council_code,
    'GM01'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    coalesce(sum(d.denominator_value), 0)    AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm01_days_lost_sickness_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
