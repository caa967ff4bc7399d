-- Keeping-in-touch contacts with care leavers. Suitability is the last character of DfE's
-- accommodation code (1 suitable, 2 not suitable).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(dob)                                           AS birth_date,
    parse_iso_date(contact_date)                                  AS contact_date,
    trim(in_touch)                                                AS in_touch,
    blank_to_null(activity)                                       AS activity,
    blank_to_null(accommodation)                                  AS accommodation,
    right(blank_to_null(accommodation), 1) = '1'                  AS suitably_accommodated,
    coalesce(blank_to_null(activity) IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5'), false)
                                                                  AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__care_leavers
