-- SSDA903 OC3: one row per former relevant young person whose 17th-21st birthday falls in the
-- collection year, with DfE's IN_TOUCH, ACTIV and ACCOM as recorded around that birthday. CHILD
-- becomes child_key, the same keyed pseudonym stg_social_care__episodes and the header give the
-- same CHILD. The codes read as sql/macros/social_care_codes.sql says (`0` = not applicable).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child)) AS child_key,
    parse_dfe_date(dob)                                       AS dob,
    trim(in_touch)                                            AS in_touch,
    dfe_care_leaver_code(activ)                               AS activity,
    dfe_care_leaver_code(accom)                               AS accommodation,
    dfe_suitably_accommodated(accom)                          AS suitably_accommodated,
    dfe_residence_unknown_or_abroad(accom)                    AS residence_unknown_or_abroad,
    dfe_in_education_employment_training(activ)               AS in_education_employment_training,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__oc3
