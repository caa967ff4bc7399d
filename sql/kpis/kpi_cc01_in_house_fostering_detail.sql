-- CC01 drill-through: each child looked after at the period end whose current episode is a foster
-- placement (place U1-U6), and whether the council itself provides it (place_provider PR1).
SELECT
    council_code,
    'CC01'              AS kpi_code,
    period_end,
    child_key           AS subject_key,
    episode_start,
    place,
    place_provider,
    CASE WHEN place_provider = 'PR1' THEN 1 ELSE 0 END AS numerator_value,
    1                   AS denominator_value
FROM intermediate.int_social_care__looked_after_at_period_end
WHERE place IN ('U1', 'U2', 'U3', 'U4', 'U5', 'U6')
