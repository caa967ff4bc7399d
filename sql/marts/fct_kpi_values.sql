-- Every KPI model's numerator and denominator, one row per council, KPI and period end.
-- A KPI joins the scorecard by being listed here.
SELECT * FROM kpis.kpi_gm01_days_lost_sickness
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm02_days_lost_long_term_sickness
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm03_days_lost_stress
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm04_appraisals_completed
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm05_staff_turnover
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm06_riddor_reports
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm07_audit_recommendations_overdue
