-- Internal audit recommendations from the tracker workbook.
SELECT
    council_code,
    trim(rec_ref)                                   AS rec_ref,
    audit_title,
    trim(directorate)                               AS directorate,
    trim(priority)                                  AS priority,
    parse_workbook_date(raised_date)                AS raised_date,
    parse_workbook_date(agreed_target_date)         AS agreed_target_date,
    parse_workbook_date(revised_target_date)        AS revised_target_date,
    parse_workbook_date(date_revised)               AS date_revised,
    trim(status)                                    AS status,
    parse_workbook_date(date_closed)                AS date_closed,
    _load_id,
    _source_file,
    _row_number
FROM raw.audit__recommendations
