-- CL01 drill-through: each care leaver aged 19-21 at the period end, from their latest contact.
SELECT
    council_code,
    'CL01'                                           AS kpi_code,
    period_end,
    child_key                                        AS subject_key,
    age_at_period_end,
    latest_contact_date,
    in_touch,
    accommodation,
    CASE WHEN suitably_accommodated THEN 1 ELSE 0 END AS numerator_value,
    1                                                AS denominator_value
FROM intermediate.int_social_care__care_leavers_at_period_end
WHERE age_at_period_end BETWEEN 19 AND 21 AND NOT excluded_from_cohort
