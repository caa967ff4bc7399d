-- School attendance of children in care, one row per child per school month. child_id is the
-- same case-management id as the 903 CHILD, so it becomes the same child_key.
-- month 'YYYY-MM' becomes the month's first day.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    CAST(try_strptime(trim(month) || '-01', '%Y-%m-%d') AS DATE)  AS month_start,
    CAST(blank_to_null(sessions_possible) AS INTEGER)            AS sessions_possible,
    CAST(blank_to_null(sessions_missed) AS INTEGER)              AS sessions_missed,
    _load_id,
    _source_file,
    _row_number
FROM raw.education__attendance
