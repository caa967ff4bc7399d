-- CIN census child protection plans. plan_end is null while the plan is open.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(la_child_id)) AS child_key,
    CAST(referral_number AS INTEGER)                              AS referral_number,
    parse_iso_date(cpp_start_date)                                AS plan_start,
    parse_iso_date(cpp_end_date)                                  AS plan_end,
    blank_to_null(initial_category_of_abuse)                      AS initial_category_of_abuse,
    blank_to_null(latest_category_of_abuse)                       AS latest_category_of_abuse,
    CAST(blank_to_null(number_of_previous_cpp) AS INTEGER)        AS number_of_previous_cpp,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__cin_cp_plans
