-- GM05 drill-through: each children's employment in post at the start or the end of the 12
-- months, or leaving within them. denominator_value is its share of the average headcount
-- (half for each of the two days it was in post on).
SELECT
    e.council_code,
    'GM05'            AS kpi_code,
    p.period_end,
    e.employee_key    AS subject_key,
    CASE WHEN e.leaving_date BETWEEN p.rolling_year_start AND p.period_end THEN 1 ELSE 0 END
                      AS numerator_value,
    0.5 * CASE WHEN e.start_date <= p.rolling_year_start
                    AND (e.leaving_date IS NULL OR e.leaving_date >= p.rolling_year_start) THEN 1 ELSE 0 END
  + 0.5 * CASE WHEN e.start_date <= p.period_end
                    AND (e.leaving_date IS NULL OR e.leaving_date >= p.period_end) THEN 1 ELSE 0 END
                      AS denominator_value
FROM staging.stg_hr_sap__staff_in_post AS e
JOIN intermediate.int_periods AS p
  ON e.start_date <= p.period_end
 AND (e.leaving_date IS NULL OR e.leaving_date >= p.rolling_year_start)
WHERE e.directorate = 'CYP'
