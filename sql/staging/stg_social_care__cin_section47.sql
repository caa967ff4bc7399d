-- CIN census section 47 enquiries and their initial child protection conferences.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(la_child_id)) AS child_key,
    CAST(referral_number AS INTEGER)                              AS referral_number,
    parse_iso_date(s47_actual_start_date)                         AS s47_start_date,
    parse_iso_date(initial_cpc_target)                            AS initial_cpc_target_date,
    parse_iso_date(date_of_initial_cpc)                           AS initial_cpc_date,
    lower(trim(icpc_not_required)) IN ('true', '1')               AS icpc_not_required,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__cin_section47
