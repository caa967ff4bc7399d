-- GM06 drill-through: each RIDDOR report of the children's directorate made in the quarter.
SELECT
    r.council_code,
    'GM06'          AS kpi_code,
    p.period_end,
    r.riddor_ref    AS subject_key,
    1               AS numerator_value,
    NULL::DOUBLE    AS denominator_value
FROM staging.stg_hr_sap__riddor_reports AS r
JOIN intermediate.int_periods AS p
  ON r.reported_date BETWEEN p.quarter_start AND p.period_end
WHERE r.directorate = 'CYP'
