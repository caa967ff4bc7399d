-- Strategy discussions and the day the concern that called for each was raised.
SELECT
    council_code,
    trim(discussion_id)                                           AS discussion_id,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(concern_date)                                  AS concern_date,
    parse_iso_date(discussion_date)                               AS discussion_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__strategy_discussions
