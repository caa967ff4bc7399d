-- SSDA903 header: one row per child looked after. The CHILD id becomes child_key, the same keyed
-- pseudonym the CIN census and local lists give the same case-management id. UPN, MOTHER and
-- MC_DOB never leave raw; the date of birth stays here for age arithmetic only.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child)) AS child_key,
    blank_to_null(sex)                                        AS sex,
    parse_dfe_date(dob)                                       AS dob,
    blank_to_null(ethnic)                                     AS ethnic,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__header
