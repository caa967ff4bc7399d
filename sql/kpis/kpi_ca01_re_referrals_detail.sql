-- CA01 drill-through: each referral received in the quarter and whether the child had been
-- referred in the 12 months before it. Annex A list 3 records (figure_basis 'annex_a') only for
-- councils that sent no CIN census: Annex A's own count of the child's referrals in the 12 months
-- before counts too, as the workbook covers only its own period.
SELECT
    r.council_code,
    'CA01'                      AS kpi_code,
    p.period_end,
    r.child_key                 AS subject_key,
    r.referral_date,
    CASE WHEN EXISTS (
        SELECT 1 FROM staging.stg_social_care__cin_referrals AS earlier
        WHERE earlier.council_code = r.council_code AND earlier.child_key = r.child_key
          AND earlier.referral_date < r.referral_date
          AND earlier.referral_date >= r.referral_date - INTERVAL 12 MONTH
    ) THEN 1 ELSE 0 END         AS numerator_value,
    1                           AS denominator_value
FROM staging.stg_social_care__cin_referrals AS r
JOIN intermediate.int_periods AS p ON r.referral_date BETWEEN p.quarter_start AND p.period_end
UNION ALL BY NAME
SELECT
    r.council_code,
    'CA01'                      AS kpi_code,
    p.period_end,
    r.child_key                 AS subject_key,
    r.referral_date,
    r.referrals_last_12_months,
    CASE WHEN coalesce(r.referrals_last_12_months, 0) >= 1 OR EXISTS (
        SELECT 1 FROM staging.stg_social_care__annex_a_list3_referrals AS earlier
        WHERE earlier.council_code = r.council_code AND earlier.child_key = r.child_key
          AND earlier.referral_date < r.referral_date
          AND earlier.referral_date >= r.referral_date - INTERVAL 12 MONTH
    ) THEN 1 ELSE 0 END         AS numerator_value,
    1                           AS denominator_value,
    'annex_a'                   AS figure_basis
FROM staging.stg_social_care__annex_a_list3_referrals AS r
JOIN intermediate.int_periods AS p ON r.referral_date BETWEEN p.quarter_start AND p.period_end
WHERE r.council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                             WHERE source_table = 'social_care__cin_referrals')
