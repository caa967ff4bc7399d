-- Every KPI model's numerator and denominator, one row per council, KPI and period end.
-- A KPI joins the scorecard by being listed here (in the report's order).
SELECT * FROM kpis.kpi_qa01_audits_good_or_better
UNION ALL BY NAME SELECT * FROM kpis.kpi_qa02_two_or_fewer_social_workers
UNION ALL BY NAME SELECT * FROM kpis.kpi_ca01_re_referrals
UNION ALL BY NAME SELECT * FROM kpis.kpi_ca02_initial_visits_in_time
UNION ALL BY NAME SELECT * FROM kpis.kpi_ca03_contact_decisions_in_time
UNION ALL BY NAME SELECT * FROM kpis.kpi_hp01_assessments_in_45_days
UNION ALL BY NAME SELECT * FROM kpis.kpi_hp02_repeat_child_protection_plans
UNION ALL BY NAME SELECT * FROM kpis.kpi_hp03_child_protection_plans_two_years
UNION ALL BY NAME SELECT * FROM kpis.kpi_hp04_strategy_discussions_in_time
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc01_in_house_fostering
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc02_long_term_stability
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc03_reviews_in_time
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc04_three_placements
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc05_persistent_absence
UNION ALL BY NAME SELECT * FROM kpis.kpi_cc06_returned_to_care
UNION ALL BY NAME SELECT * FROM kpis.kpi_cl01_care_leavers_suitable_accommodation
UNION ALL BY NAME SELECT * FROM kpis.kpi_cl02_care_leavers_in_education_employment_training
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm01_days_lost_sickness
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm02_days_lost_long_term_sickness
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm03_days_lost_stress
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm04_appraisals_completed
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm05_staff_turnover
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm06_riddor_reports
UNION ALL BY NAME SELECT * FROM kpis.kpi_gm07_audit_recommendations_overdue
