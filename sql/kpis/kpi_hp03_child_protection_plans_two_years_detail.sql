-- HP03 drill-through: each child protection plan open at the period end and how long it had run.
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
