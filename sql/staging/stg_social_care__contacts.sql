-- Contacts to the front door and when the decision on each was made.
SELECT
    council_code,
    trim(contact_id)                                              AS contact_id,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(contact_date)                                  AS contact_date,
    parse_iso_date(decision_date)                                 AS decision_date,
    blank_to_null(decision)                                       AS decision,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__contacts
