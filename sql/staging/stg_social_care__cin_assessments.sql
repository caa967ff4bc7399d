-- CIN census assessments: when each started and when a manager authorised (completed) it.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(la_child_id)) AS child_key,
    CAST(referral_number AS INTEGER)                              AS referral_number,
    parse_iso_date(assessment_actual_start_date)                  AS start_date,
    parse_iso_date(assessment_authorisation_date)                 AS authorised_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__cin_assessments
