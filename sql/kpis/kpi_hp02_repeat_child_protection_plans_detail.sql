-- HP02 drill-through: each child protection plan starting in the quarter and whether it is the
-- child's second or later. Annex A list 7 records (figure_basis 'annex_a') only for councils that
-- sent no CIN census.
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
UNION ALL BY NAME
SELECT
    c.council_code,
    'HP02'                      AS kpi_code,
    p.period_end,
    c.child_key                 AS subject_key,
    c.plan_start,
    c.number_of_previous_cpp,
    CASE WHEN coalesce(c.number_of_previous_cpp, 0) >= 1 OR EXISTS (
        SELECT 1 FROM staging.stg_social_care__annex_a_list7_cp_plans AS earlier
        WHERE earlier.council_code = c.council_code AND earlier.child_key = c.child_key
          AND earlier.plan_start < c.plan_start
    ) THEN 1 ELSE 0 END         AS numerator_value,
    1                           AS denominator_value,
    'annex_a'                   AS figure_basis
FROM staging.stg_social_care__annex_a_list7_cp_plans AS c
JOIN intermediate.int_periods AS p ON c.plan_start BETWEEN p.quarter_start AND p.period_end
WHERE c.council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                             WHERE source_table = 'social_care__cin_referrals')
