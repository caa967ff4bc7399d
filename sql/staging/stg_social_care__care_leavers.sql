-- Keeping-in-touch contacts with care leavers. The activity and accommodation codes are DfE's OC3
-- lists (the Data-to-Insight validator's rules 132 and 133). Suitability is the last character of
-- DfE's accommodation code (1 suitable, 2 not suitable).
-- `0` is DfE's "not applicable" (required when in_touch is DIED or RHOM, D2I rule 344; allowed for
-- the other not-in-touch codes): it is neither an activity nor an accommodation, so activity and
-- accommodation are null for it, suitably_accommodated is null (neither suitable nor unsuitable)
-- and in_education_employment_training is false; the *_not_applicable flags say a `0` was sent,
-- as against a blank (not known).
-- residence_unknown_or_abroad: ACCOM G (gone abroad), H (deported) or R (residence not known),
-- whose suitability DfE treats as not known (LAIT 112 leaves them out of CL01).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(dob)                                           AS birth_date,
    parse_iso_date(contact_date)                                  AS contact_date,
    trim(in_touch)                                                AS in_touch,
    dfe_care_leaver_code(activity)                                AS activity,
    dfe_care_leaver_code(accommodation)                           AS accommodation,
    coalesce(blank_to_null(activity) = '0', false)                AS activity_not_applicable,
    coalesce(blank_to_null(accommodation) = '0', false)           AS accommodation_not_applicable,
    dfe_suitably_accommodated(accommodation)                      AS suitably_accommodated,
    dfe_residence_unknown_or_abroad(accommodation)                AS residence_unknown_or_abroad,
    dfe_in_education_employment_training(activity)                AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__care_leavers
