-- Annex A list 4: (continuous) assessments, started and authorised. authorised_date is null
-- while the assessment is open.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(assessment_start_date)                        AS start_date,
    CASE trim(child_seen) WHEN 'Y' THEN true WHEN 'N' THEN false END AS child_seen,
    parse_iso_date(assessment_authorised_date)                   AS authorised_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list4_assessments
