-- GM01 drill-through: each children's employee in post in the quarter, the FTE days they lost to
-- sickness (numerator_value) and their share of the average FTE (denominator_value).
SELECT
    council_code,
    'GM01'          AS kpi_code,
    period_end,
    employee_key    AS subject_key,
    fte_days_lost   AS numerator_value,
    fte_share       AS denominator_value
FROM intermediate.int_hr__employee_quarters
WHERE directorate = 'CYP'
