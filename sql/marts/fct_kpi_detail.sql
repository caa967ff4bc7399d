-- The records behind every figure, for drill-through. subject_key is a pseudonym for people
-- (employees) or a business reference for things (audit recommendations, RIDDOR reports).
SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm01_days_lost_sickness_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm02_days_lost_long_term_sickness_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm03_days_lost_stress_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm04_appraisals_completed_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm05_staff_turnover_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm06_riddor_reports_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
FROM kpis.kpi_gm07_audit_recommendations_overdue_detail
