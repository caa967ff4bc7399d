-- Annex A list 7: child protection plans open at some point in the period. plan_end is null while
-- the plan is open; number_of_previous_cpp counts the child's plans before this one.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(cpp_start_date)                               AS plan_start,
    parse_iso_date(cpp_end_date)                                 AS plan_end,
    CAST(blank_to_null(previous_cpp) AS INTEGER)                 AS number_of_previous_cpp,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list7_cp_plans
