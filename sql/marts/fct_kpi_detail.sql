-- The records behind every figure, for drill-through. subject_key is a pseudonym for people
-- (children, employees) or a business reference for things (audit recommendations, RIDDOR
-- reports). Extra columns of each detail model stay in its own table in `kpis`.
SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_qa01_audits_good_or_better_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_qa02_two_or_fewer_social_workers_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_ca01_re_referrals_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_ca02_initial_visits_in_time_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_ca03_contact_decisions_in_time_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_hp01_assessments_in_45_days_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_hp02_repeat_child_protection_plans_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_hp03_child_protection_plans_two_years_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_hp04_strategy_discussions_in_time_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc01_in_house_fostering_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc02_long_term_stability_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc03_reviews_in_time_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc04_three_placements_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc05_persistent_absence_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cc06_returned_to_care_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cl01_care_leavers_suitable_accommodation_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM kpis.kpi_cl02_care_leavers_in_education_employment_training_detail
UNION ALL SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
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
