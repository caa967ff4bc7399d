-- CC01 drill-through: each child looked after at the period end whose current episode is a foster
-- placement (place U1-U6), and whether the council itself provides it (place_provider PR1).
-- Annex A list 8 records (figure_basis 'annex_a') only for councils that sent no 903 episodes.
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
UNION ALL BY NAME
SELECT
    council_code,
    'CC01'              AS kpi_code,
    period_end,
    child_key           AS subject_key,
    placement_start     AS episode_start,
    placement_type      AS place,
    placement_provider  AS place_provider,
    CASE WHEN placement_provider = 'PR1' THEN 1 ELSE 0 END AS numerator_value,
    1                   AS denominator_value,
    'annex_a'           AS figure_basis
FROM intermediate.int_social_care__annex_a_looked_after_at_period_end
WHERE placement_type IN ('U1', 'U2', 'U3', 'U4', 'U5', 'U6') AND placement_known_at_p
  AND council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                           WHERE source_table = 'social_care__episodes')
