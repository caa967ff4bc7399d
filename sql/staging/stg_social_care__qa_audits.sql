-- Case file audits and their grades.
SELECT
    council_code,
    trim(audit_id)                                                AS audit_id,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(audit_date)                                    AS audit_date,
    trim(grade)                                                   AS grade,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__qa_audits
