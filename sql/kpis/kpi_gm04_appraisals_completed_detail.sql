-- GM04 drill-through: each appraisal of a children's employee due in the 12 months to the period
-- end (the employee in post on the due date), and whether it was completed and on SAP by then.
SELECT
    a.council_code,
    'GM04'                  AS kpi_code,
    p.period_end,
    a.employee_key          AS subject_key,
    a.due_date,
    CASE WHEN a.completed_date <= p.period_end AND a.entered_on_sap_date <= p.period_end
         THEN 1 ELSE 0 END  AS numerator_value,
    1                       AS denominator_value
FROM staging.stg_hr_sap__appraisals AS a
JOIN staging.stg_hr_sap__staff_in_post AS e
  ON e.council_code = a.council_code
 AND e.employee_key = a.employee_key
 AND e.start_date <= a.due_date
 AND (e.leaving_date IS NULL OR e.leaving_date >= a.due_date)
JOIN intermediate.int_periods AS p
  ON a.due_date BETWEEN p.rolling_year_start AND p.period_end
WHERE e.directorate = 'CYP'
