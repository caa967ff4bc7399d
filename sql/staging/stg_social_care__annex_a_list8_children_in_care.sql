-- Annex A list 8: children looked after in the period, with their current legal status and most
-- recent placement (Annex A holds no placement history: one row per period of care). Codes are
-- DfE's 903 codes (placement type U1-U6 fostering, provider PR1 the council's own).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(lac_start_date)                               AS looked_after_start,
    CASE trim(uasc) WHEN 'Y' THEN true WHEN 'N' THEN false END   AS uasc,
    blank_to_null(legal_status)                                  AS legal_status,
    CAST(blank_to_null(placements_last_12_months) AS INTEGER)    AS placements_last_12_months,
    parse_iso_date(ceased_date)                                  AS looked_after_end,
    parse_iso_date(placement_start_date)                         AS placement_start,
    blank_to_null(placement_type)                                AS placement_type,
    blank_to_null(placement_provider)                            AS placement_provider,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list8_children_in_care
