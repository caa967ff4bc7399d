-- GM02 drill-through: as GM01, counting only long-term spells (more than 20 working days).
SELECT
    council_code,
    'GM02'                   AS kpi_code,
    period_end,
    employee_key             AS subject_key,
    fte_days_lost_long_term  AS numerator_value,
    fte_share                AS denominator_value
FROM intermediate.int_hr__employee_quarters
WHERE directorate = 'CYP'
