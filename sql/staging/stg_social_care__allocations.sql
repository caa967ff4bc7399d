-- Allocations of social workers to children. Workers are staff: pseudonymised like children.
SELECT
    council_code,
    trim(allocation_id)                                           AS allocation_id,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    pseudonymise('worker', council_code || ':' || trim(worker_id)) AS worker_key,
    parse_iso_date(start_date)                                    AS start_date,
    parse_iso_date(end_date)                                      AS end_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__allocations
