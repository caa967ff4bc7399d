-- Annex A list 1: contacts. The child's id becomes the same keyed pseudonym as in the statutory
-- returns and local lists (one child followed across sources); the date of birth stays in raw.
-- Coded values arrive as reference/annex_a_values.csv's codes (scorecard.ingest.annex_a).
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(contact_date)                                 AS contact_date,
    blank_to_null(contact_source)                                AS contact_source,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list1_contacts
