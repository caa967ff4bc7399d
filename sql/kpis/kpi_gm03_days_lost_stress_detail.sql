-- GM03 drill-through: as GM01, counting only spells whose reason is in the stress category.
SELECT
    council_code,
    'GM03'                AS kpi_code,
    period_end,
    employee_key          AS subject_key,
    fte_days_lost_stress  AS numerator_value,
    fte_share             AS denominator_value
FROM intermediate.int_hr__employee_quarters
WHERE directorate = 'CYP'
