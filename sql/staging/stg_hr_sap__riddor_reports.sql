-- Reports made to the Health and Safety Executive under RIDDOR.
SELECT
    council_code,
    trim(riddor_ref)                  AS riddor_ref,
    trim(directorate)                 AS directorate,
    parse_sap_date(incident_date)     AS incident_date,
    parse_sap_date(reported_date)     AS reported_date,
    trim(category)                    AS category,
    _load_id,
    _source_file,
    _row_number
FROM raw.hr_sap__riddor_reports
