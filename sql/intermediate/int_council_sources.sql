-- Which council sent which extract table: a KPI is computed for a council only if the council
-- sent the table the KPI stands on (kpi_totals' sent_table), so a source a council does not
-- send shows as "no information", never as a zero. Councils are known from their records.
SELECT DISTINCT council_code, 'hr_sap__staff_in_post' AS source_table FROM staging.stg_hr_sap__staff_in_post
UNION ALL SELECT DISTINCT council_code, 'audit__recommendations' FROM staging.stg_audit__recommendations
UNION ALL SELECT DISTINCT council_code, 'social_care__episodes' FROM staging.stg_social_care__episodes
UNION ALL SELECT DISTINCT council_code, 'social_care__reviews' FROM staging.stg_social_care__reviews
UNION ALL SELECT DISTINCT council_code, 'social_care__cin_referrals' FROM staging.stg_social_care__cin_referrals
UNION ALL SELECT DISTINCT council_code, 'social_care__contacts' FROM staging.stg_social_care__contacts
UNION ALL SELECT DISTINCT council_code, 'social_care__initial_visits' FROM staging.stg_social_care__initial_visits
UNION ALL SELECT DISTINCT council_code, 'social_care__strategy_discussions' FROM staging.stg_social_care__strategy_discussions
UNION ALL SELECT DISTINCT council_code, 'social_care__allocations' FROM staging.stg_social_care__allocations
UNION ALL SELECT DISTINCT council_code, 'social_care__qa_audits' FROM staging.stg_social_care__qa_audits
UNION ALL SELECT DISTINCT council_code, 'social_care__care_leavers' FROM staging.stg_social_care__care_leavers
UNION ALL SELECT DISTINCT council_code, 'education__attendance' FROM staging.stg_education__attendance
UNION ALL SELECT DISTINCT council_code, 'social_care__oc3' FROM staging.stg_social_care__oc3
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list1_contacts' FROM staging.stg_social_care__annex_a_list1_contacts
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list3_referrals' FROM staging.stg_social_care__annex_a_list3_referrals
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list4_assessments' FROM staging.stg_social_care__annex_a_list4_assessments
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list5_section47' FROM staging.stg_social_care__annex_a_list5_section47
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list7_cp_plans' FROM staging.stg_social_care__annex_a_list7_cp_plans
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list8_children_in_care' FROM staging.stg_social_care__annex_a_list8_children_in_care
UNION ALL SELECT DISTINCT council_code, 'social_care__annex_a_list9_care_leavers' FROM staging.stg_social_care__annex_a_list9_care_leavers
