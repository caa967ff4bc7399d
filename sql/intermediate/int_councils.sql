-- The councils this warehouse holds: any council code seen in a source.
SELECT DISTINCT council_code FROM staging.stg_hr_sap__staff_in_post
UNION
SELECT DISTINCT council_code FROM staging.stg_audit__recommendations
