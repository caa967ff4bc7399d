-- Employments from SAP. The employee number becomes a keyed pseudonym and the name is dropped:
-- nothing past raw can identify a member of staff directly.
SELECT
    council_code,
    pseudonymise('employee', council_code || ':' || trim(pers_no)) AS employee_key,
    trim(directorate)                                           AS directorate,
    CAST(trim(fte) AS DOUBLE)                                   AS fte,
    parse_sap_date(start_date)                                  AS start_date,
    parse_sap_date(leaving_date)                                AS leaving_date,
    blank_to_null(leaving_reason)                               AS leaving_reason,
    _load_id,
    _source_file,
    _row_number
FROM raw.hr_sap__staff_in_post
