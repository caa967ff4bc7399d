-- CC05 drill-through: each child looked after at the period end P with sessions possible in the
-- school months of the quarter (the three calendar months ending P), the sessions possible and
-- missed over those months, and whether missed / possible is 10% or more.
WITH quarter_attendance AS (
    SELECT
        l.council_code,
        l.period_end,
        l.child_key,
        CAST(sum(a.sessions_possible) AS BIGINT) AS sessions_possible,
        CAST(sum(a.sessions_missed) AS BIGINT)   AS sessions_missed
    FROM intermediate.int_social_care__looked_after_at_period_end AS l
    JOIN intermediate.int_periods AS p ON p.period_end = l.period_end
    JOIN staging.stg_education__attendance AS a
      ON a.council_code = l.council_code
     AND a.child_key = l.child_key
     AND a.month_start BETWEEN p.quarter_start AND p.period_end
    GROUP BY l.council_code, l.period_end, l.child_key
)
SELECT
    council_code,
    'CC05'              AS kpi_code,
    period_end,
    child_key           AS subject_key,
    sessions_possible,
    sessions_missed,
    round(100.0 * sessions_missed / sessions_possible, 1) AS absence_rate,
    CASE WHEN 10 * sessions_missed >= sessions_possible THEN 1 ELSE 0 END AS numerator_value,
    1                   AS denominator_value
FROM quarter_attendance
WHERE sessions_possible > 0
