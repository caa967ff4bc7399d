-- Appraisals due, with when they were held and when they were recorded on SAP.
SELECT
    council_code,
    pseudonymise('employee', council_code || ':' || trim(pers_no)) AS employee_key,
    parse_sap_date(due_date)                                    AS due_date,
    parse_sap_date(completed_date)                              AS completed_date,
    parse_sap_date(entered_on_sap_date)                         AS entered_on_sap_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.hr_sap__appraisals
