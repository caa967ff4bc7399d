-- Annex A list 5: section 47 enquiries (dated by the strategy discussion that started them) and
-- the initial child protection conference that followed, if any.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(s47_start_date)                               AS s47_start_date,
    CASE trim(icpc_unnecessary) WHEN 'Y' THEN true WHEN 'N' THEN false END AS icpc_unnecessary,
    parse_iso_date(icpc_date)                                    AS icpc_date,
    CASE trim(icpc_resulted_in_plan) WHEN 'Y' THEN true WHEN 'N' THEN false END
                                                                 AS icpc_resulted_in_plan,
    CAST(blank_to_null(s47_last_12_months) AS INTEGER)           AS s47_last_12_months,
    CAST(blank_to_null(icpcs_last_12_months) AS INTEGER)         AS icpcs_last_12_months,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list5_section47
