-- Keeping-in-touch contacts with care leavers. Suitability is the last character of DfE's
-- accommodation code (1 suitable, 2 not suitable). ACTIV/ACCOM `0` is DfE's "not applicable"
-- (required when the young person died or returned home, RHOM/DIED): never suitable, never EET.
-- residence_unknown_or_abroad: ACCOM G (gone abroad), H (deported) or R (residence not known),
-- whose suitability DfE treats as not known (LAIT 112 leaves them out of CL01).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(dob)                                           AS birth_date,
    parse_iso_date(contact_date)                                  AS contact_date,
    trim(in_touch)                                                AS in_touch,
    blank_to_null(activity)                                       AS activity,
    blank_to_null(accommodation)                                  AS accommodation,
    coalesce(blank_to_null(accommodation) <> '0'
             AND right(blank_to_null(accommodation), 1) = '1', false) AS suitably_accommodated,
    coalesce(left(blank_to_null(accommodation), 1) IN ('G', 'H', 'R'), false)
                                                                  AS residence_unknown_or_abroad,
    coalesce(blank_to_null(activity) IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5'), false)
                                                                  AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__care_leavers
