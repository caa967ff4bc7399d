-- HP02 drill-through: each child protection plan starting in the quarter and whether it is the
-- child's second or later.
SELECT
    c.council_code,
    'HP02'                      AS kpi_code,
    p.period_end,
    c.child_key                 AS subject_key,
    c.plan_start,
    c.number_of_previous_cpp,
    CASE WHEN coalesce(c.number_of_previous_cpp, 0) >= 1 OR EXISTS (
        SELECT 1 FROM staging.stg_social_care__cin_cp_plans AS earlier
        WHERE earlier.council_code = c.council_code AND earlier.child_key = c.child_key
          AND earlier.plan_start < c.plan_start
    ) THEN 1 ELSE 0 END         AS numerator_value,
    1                           AS denominator_value
FROM staging.stg_social_care__cin_cp_plans AS c
JOIN intermediate.int_periods AS p ON c.plan_start BETWEEN p.quarter_start AND p.period_end
