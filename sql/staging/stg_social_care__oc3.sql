-- SSDA903 OC3: one row per former relevant young person whose 17th-21st birthday falls in the
-- collection year, with DfE's IN_TOUCH, ACTIV and ACCOM as recorded around that birthday. CHILD
-- becomes child_key, the same keyed pseudonym stg_social_care__episodes and the header give the
-- same CHILD. ACTIV/ACCOM `0` is DfE's "not applicable" (required for DIED/RHOM): never
-- suitable, never EET. Suitability is ACCOM's last character (1 suitable, 2 not suitable);
-- residence_unknown_or_abroad: ACCOM G (gone abroad), H (deported) or R (residence not known).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child)) AS child_key,
    parse_dfe_date(dob)                                       AS dob,
    trim(in_touch)                                            AS in_touch,
    blank_to_null(activ)                                      AS activity,
    blank_to_null(accom)                                      AS accommodation,
    coalesce(blank_to_null(accom) <> '0' AND right(blank_to_null(accom), 1) = '1', false)
                                                              AS suitably_accommodated,
    coalesce(left(blank_to_null(accom), 1) IN ('G', 'H', 'R'), false)
                                                              AS residence_unknown_or_abroad,
    coalesce(blank_to_null(activ) IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5'), false)
                                                              AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__oc3
