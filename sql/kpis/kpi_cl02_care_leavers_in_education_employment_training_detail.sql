-- CL02 drill-through, one row per young person in the figure's cohort (figure_basis says which):
-- * local_list: councils that sent the local care_leavers list: each care leaver aged 19-21 at
--   the period end, from their latest contact (int_social_care__care_leavers_at_period_end),
--   died/RHOM left out (LAIT 113 does not leave out ACCOM G/H/R);
-- * annex_a: councils that sent neither but an Annex A workbook: list 9 at the quarter end it
--   describes (int_social_care__annex_a_care_leavers_at_period_end), the local list's exclusions;
-- * dfe_oc3_annual: councils that sent the 903 OC3 but no local list: each former relevant young
--   person whose 19th-21st birthday fell in the collection year, at the quarter ends that show
--   the annual figure (int_social_care__oc3_care_leavers), died/RHOM left out.
WITH local_list_councils AS (
    SELECT council_code FROM intermediate.int_council_sources
    WHERE source_table = 'social_care__care_leavers'
)
SELECT
    council_code,
    'CL02'                                                       AS kpi_code,
    period_end,
    child_key                                                    AS subject_key,
    age_at_period_end,
    latest_contact_date,
    in_touch,
    activity,
    CASE WHEN in_education_employment_training THEN 1 ELSE 0 END AS numerator_value,
    1                                                            AS denominator_value,
    'local_list'                                                 AS figure_basis,
    CAST(NULL AS DATE)                                           AS collection_year_end
FROM intermediate.int_social_care__care_leavers_at_period_end
WHERE age_at_period_end BETWEEN 19 AND 21 AND NOT excluded_from_cohort
UNION ALL BY NAME
SELECT
    council_code,
    'CL02'                                                       AS kpi_code,
    period_end,
    child_key                                                    AS subject_key,
    birthday_age                                                 AS age_at_period_end,
    in_touch,
    activity,
    CASE WHEN in_education_employment_training THEN 1 ELSE 0 END AS numerator_value,
    1                                                            AS denominator_value,
    'dfe_oc3_annual'                                             AS figure_basis,
    collection_year_end
FROM intermediate.int_social_care__oc3_care_leavers
WHERE NOT excluded_from_cohort
  AND council_code NOT IN (SELECT council_code FROM local_list_councils)
UNION ALL BY NAME
SELECT
    council_code,
    'CL02'                                           AS kpi_code,
    period_end,
    child_key                                        AS subject_key,
    age_at_period_end,
    in_touch,
    accommodation,
    CASE WHEN in_education_employment_training THEN 1 ELSE 0 END AS numerator_value,
    1                                                AS denominator_value,
    'annex_a'                                        AS figure_basis,
    CAST(NULL AS DATE)                               AS collection_year_end
FROM intermediate.int_social_care__annex_a_care_leavers_at_period_end
WHERE age_at_period_end BETWEEN 19 AND 21 AND NOT excluded_from_cohort
  AND council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                           WHERE source_table IN ('social_care__care_leavers', 'social_care__oc3'))
