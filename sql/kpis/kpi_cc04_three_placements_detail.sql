-- CC04 drill-through: each child looked after at the period end P, with the number of placements
-- overlapping the 12 months to P (start <= P and end empty or >= the day after P a year earlier),
-- counted over all the child's periods of care; numerator_value 1 for 3 or more.
-- Annex A list 8 records (figure_basis 'annex_a') only for councils that sent no 903 episodes:
-- placements_in_year is the workbook's own count of placements in the 12 months to its date.
SELECT
    l.council_code,
    'CC04'                  AS kpi_code,
    l.period_end,
    l.child_key             AS subject_key,
    count(pl.placement_number) AS placements_in_year,
    CASE WHEN count(pl.placement_number) >= 3 THEN 1 ELSE 0 END AS numerator_value,
    1                       AS denominator_value
FROM intermediate.int_social_care__looked_after_at_period_end AS l
JOIN intermediate.int_periods AS p ON p.period_end = l.period_end
LEFT JOIN intermediate.int_social_care__placements AS pl
       ON pl.council_code = l.council_code
      AND pl.child_key = l.child_key
      AND pl.placement_start <= p.period_end
      AND (pl.placement_end IS NULL OR pl.placement_end >= p.rolling_year_start)
GROUP BY l.council_code, l.period_end, l.child_key
UNION ALL BY NAME
SELECT
    council_code,
    'CC04'                  AS kpi_code,
    period_end,
    child_key               AS subject_key,
    placements_last_12_months AS placements_in_year,
    CASE WHEN placements_last_12_months >= 3 THEN 1 ELSE 0 END AS numerator_value,
    1                       AS denominator_value,
    'annex_a'               AS figure_basis
FROM intermediate.int_social_care__annex_a_looked_after_at_period_end
WHERE council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                           WHERE source_table = 'social_care__episodes')
