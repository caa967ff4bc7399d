-- CC02 drill-through: each child under 16 looked after at the period end P whose current period
-- of care started 2.5 years (30 months) or more before P, with when the current placement
-- started; numerator_value 1 when that is 2 years (24 months) or more before P.
SELECT
    l.council_code,
    'CC02'                  AS kpi_code,
    l.period_end,
    l.child_key             AS subject_key,
    l.age_at_period_end,
    l.period_of_care_start,
    l.placement_start,
    CASE WHEN l.placement_start <= CAST(l.period_end - INTERVAL 24 MONTH AS DATE)
         THEN 1 ELSE 0 END  AS numerator_value,
    1                       AS denominator_value
FROM intermediate.int_social_care__looked_after_at_period_end AS l
WHERE l.age_at_period_end < 16
  AND l.period_of_care_start <= CAST(l.period_end - INTERVAL 30 MONTH AS DATE)
