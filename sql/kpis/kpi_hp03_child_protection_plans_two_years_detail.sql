-- HP03 drill-through: each child protection plan open at the period end and how long it had run.
-- Annex A list 7 records (figure_basis 'annex_a') only for councils that sent no CIN census, at
-- the quarter end the workbook describes.
SELECT
    c.council_code,
    'HP03'                                          AS kpi_code,
    p.period_end,
    c.child_key                                     AS subject_key,
    c.plan_start,
    datediff('day', c.plan_start, p.period_end)     AS days_open,
    CASE WHEN datediff('day', c.plan_start, p.period_end) > 729 THEN 1 ELSE 0 END AS numerator_value,
    1                                               AS denominator_value
FROM staging.stg_social_care__cin_cp_plans AS c
JOIN intermediate.int_periods AS p
  ON c.plan_start <= p.period_end AND (c.plan_end IS NULL OR c.plan_end > p.period_end)
UNION ALL BY NAME
SELECT
    c.council_code,
    'HP03'                                          AS kpi_code,
    p.period_end,
    c.child_key                                     AS subject_key,
    c.plan_start,
    datediff('day', c.plan_start, p.period_end)     AS days_open,
    CASE WHEN datediff('day', c.plan_start, p.period_end) > 729 THEN 1 ELSE 0 END AS numerator_value,
    1                                               AS denominator_value,
    'annex_a'                                       AS figure_basis
FROM staging.stg_social_care__annex_a_list7_cp_plans AS c
JOIN meta.loads AS l ON l.load_id = c._load_id
JOIN intermediate.int_periods AS p
  ON p.period_end <= l.extract_date AND p.period_end > l.extract_date - INTERVAL 3 MONTH
 AND c.plan_start <= p.period_end AND (c.plan_end IS NULL OR c.plan_end > p.period_end)
WHERE c.council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                             WHERE source_table = 'social_care__cin_referrals')
