-- CC06 drill-through: each period of care starting in the quarter, when the child's previous
-- period of care (if any) ended, and whether that was on or after the start - 12 months.
SELECT
    poc.council_code,
    'CC06'                          AS kpi_code,
    p.period_end,
    poc.child_key                   AS subject_key,
    poc.period_of_care_number,
    poc.period_of_care_start,
    poc.previous_period_of_care_end,
    CASE WHEN poc.previous_period_of_care_end
              >= CAST(poc.period_of_care_start - INTERVAL 12 MONTH AS DATE)
         THEN 1 ELSE 0 END          AS numerator_value,
    1                               AS denominator_value
FROM intermediate.int_social_care__periods_of_care AS poc
JOIN intermediate.int_periods AS p
  ON poc.period_of_care_start BETWEEN p.quarter_start AND p.period_end
