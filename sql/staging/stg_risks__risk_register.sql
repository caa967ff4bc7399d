-- The risk register, one row per risk per quarterly review (docs/contracts.md, source `risks`).
-- likelihood and impact are whole numbers 1-5 (the contract has checked them); owner is a role.
SELECT
    council_code,
    trim(risk_id)                            AS risk_id,
    trim(title)                              AS title,
    trim(directorate)                        AS directorate,
    trim(owner)                              AS owner,
    CAST(blank_to_null(likelihood) AS INTEGER) AS likelihood,
    CAST(blank_to_null(impact) AS INTEGER)     AS impact,
    trim(controls)                           AS controls,
    parse_iso_date(review_date)              AS review_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.risks__risk_register
