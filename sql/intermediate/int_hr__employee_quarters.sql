-- One row per employment per quarter in which it was in post: its share of the quarter's average
-- FTE and the FTE days it lost to sickness (all, long-term, stress).
--   fte_share     = fte x days in post in the quarter / days in the quarter
--                   (summed over employees: the average FTE over the quarter)
--   fte_days_lost = fte x working days of absence inside the quarter on which the employee was
--                   in post (a part-timer at 0.5 FTE off for a week loses 2.5 FTE days)
WITH employment_quarters AS (
    SELECT
        e.council_code,
        e.employee_key,
        e.directorate,
        e.fte,
        p.period_end,
        p.quarter_start,
        p.days_in_quarter,
        greatest(e.start_date, p.quarter_start)                          AS in_post_from,
        least(coalesce(e.leaving_date, p.period_end), p.period_end)      AS in_post_to
    FROM staging.stg_hr_sap__staff_in_post AS e
    JOIN intermediate.int_periods AS p
      ON e.start_date <= p.period_end
     AND (e.leaving_date IS NULL OR e.leaving_date >= p.quarter_start)
),
spell_days AS (
    SELECT
        eq.council_code,
        eq.employee_key,
        eq.period_end,
        s.is_long_term,
        s.is_stress,
        greatest(upto.working_day_number - before_from.working_day_number, 0) AS working_days
    FROM employment_quarters AS eq
    JOIN intermediate.int_hr__absence_spells AS s
      ON s.council_code = eq.council_code
     AND s.employee_key = eq.employee_key
     AND s.absence_start <= eq.in_post_to
     AND s.spell_end >= eq.in_post_from
    JOIN intermediate.int_calendar_days AS upto
      ON upto.calendar_date = least(s.spell_end, eq.in_post_to)
    JOIN intermediate.int_calendar_days AS before_from
      ON before_from.calendar_date = greatest(s.absence_start, eq.in_post_from) - 1
),
days_lost AS (
    SELECT
        council_code,
        employee_key,
        period_end,
        sum(working_days)                                   AS working_days_lost,
        sum(working_days) FILTER (WHERE is_long_term)       AS long_term_working_days_lost,
        sum(working_days) FILTER (WHERE is_stress)          AS stress_working_days_lost
    FROM spell_days
    GROUP BY ALL
)
SELECT
    eq.council_code,
    eq.employee_key,
    eq.directorate,
    eq.period_end,
    eq.fte,
    datediff('day', eq.in_post_from, eq.in_post_to) + 1                      AS days_in_post,
    eq.fte * (datediff('day', eq.in_post_from, eq.in_post_to) + 1) / eq.days_in_quarter AS fte_share,
    eq.fte * coalesce(d.working_days_lost, 0)                                AS fte_days_lost,
    eq.fte * coalesce(d.long_term_working_days_lost, 0)                      AS fte_days_lost_long_term,
    eq.fte * coalesce(d.stress_working_days_lost, 0)                         AS fte_days_lost_stress
FROM employment_quarters AS eq
LEFT JOIN days_lost AS d USING (council_code, employee_key, period_end)
