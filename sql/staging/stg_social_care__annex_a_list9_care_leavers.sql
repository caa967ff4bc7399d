-- Annex A list 9: care leavers and their status when the workbook was produced (Annex A has no
-- contact date: the status is as at the extract). Annex A gives the type of accommodation (a
-- letter) and its suitability apart; together they are DfE's OC3 ACCOM code (letter, then 1
-- suitable or 2 not), so the OC3 macros apply. Annex A's activity codes are the older OC3 list:
-- F3/P3 (training or employment) are EET as F4/P4 and F5/P5 are in today's list.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(dob)                                          AS birth_date,
    blank_to_null(eligibility)                                   AS eligibility,
    trim(in_touch)                                               AS in_touch,
    blank_to_null(accommodation_type) || blank_to_null(suitability) AS accommodation,
    dfe_suitably_accommodated(blank_to_null(accommodation_type) || blank_to_null(suitability))
                                                                 AS suitably_accommodated,
    dfe_residence_unknown_or_abroad(blank_to_null(accommodation_type))
                                                                 AS residence_unknown_or_abroad,
    coalesce(trim(activity) IN ('F1', 'P1', 'F2', 'P2', 'F3', 'P3'), false)
                                                                 AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list9_care_leavers
