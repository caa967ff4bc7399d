-- Sickness absence spells. absence_end is null while a spell is open.
-- sap_working_days_lost is SAP's whole-spell count, kept for reconciliation only.
SELECT
    council_code,
    pseudonymise('employee', council_code || ':' || trim(pers_no)) AS employee_key,
    parse_sap_date(absence_start)                               AS absence_start,
    parse_sap_date(absence_end)                                 AS absence_end,
    CAST(blank_to_null(working_days_lost) AS DOUBLE)            AS sap_working_days_lost,
    trim(reason_code)                                           AS reason_code,
    _load_id,
    _source_file,
    _row_number
FROM raw.hr_sap__absences
