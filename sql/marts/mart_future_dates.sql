-- Dates after the extract date of their load are impossible for events (a contact, a referral,
-- an absence that started, a birth): the file was written before they could happen, so such a date
-- is a keying or export error and would put a record in a quarter that has not yet ended. One row
-- per date column checked, counting the dates after the extract date (meta.loads.extract_date of
-- the load each row came from, joined by its _load_id).
--
-- date_kind 'event': must not be in the future; the suite blocks publication (error).
-- date_kind 'scheduled': may legitimately be ahead of the extract (a leaving date agreed while the
-- employee works their notice, a starter not yet started, an expected end of an absence); the
-- suite only warns. Dates that are targets or due dates (appraisals due_date, audit
-- agreed/revised target dates, initial_cpc_target) are expected in the future and not listed.
-- future_dates_problem names the table, the column (staging and raw) and the latest bad date, so
-- the gate's message says where to look; it is null when no date is after the extract date.
-- The loader already quarantines a row whose contract marks the column `event=True`; this is the
-- gate's second line, for whatever reaches staging anyway (a column not marked, raw edited later).
-- tests/test_quality_gate.py checks every date column of staging is listed here or is a target.
WITH checked AS (
    SELECT 'staging.stg_hr_sap__staff_in_post' AS table_name, 'start_date' AS column_name,
        'start_date' AS raw_column, 'scheduled' AS date_kind, count(start_date) AS dates_checked,
        count(*) FILTER (WHERE start_date > extract_date) AS dates_after_extract,
        max(start_date) AS latest_date, max(extract_date) AS extract_date
        FROM staging.stg_hr_sap__staff_in_post LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__staff_in_post', 'leaving_date', 'leaving_date', 'scheduled',
        count(leaving_date), count(*) FILTER (WHERE leaving_date > extract_date), max(leaving_date), max(extract_date)
        FROM staging.stg_hr_sap__staff_in_post LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__absences', 'absence_start', 'absence_start', 'event',
        count(absence_start), count(*) FILTER (WHERE absence_start > extract_date), max(absence_start), max(extract_date)
        FROM staging.stg_hr_sap__absences LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__absences', 'absence_end', 'absence_end', 'scheduled',
        count(absence_end), count(*) FILTER (WHERE absence_end > extract_date), max(absence_end), max(extract_date)
        FROM staging.stg_hr_sap__absences LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__appraisals', 'completed_date', 'completed_date', 'event',
        count(completed_date), count(*) FILTER (WHERE completed_date > extract_date), max(completed_date), max(extract_date)
        FROM staging.stg_hr_sap__appraisals LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__appraisals', 'entered_on_sap_date', 'entered_on_sap_date', 'event',
        count(entered_on_sap_date), count(*) FILTER (WHERE entered_on_sap_date > extract_date), max(entered_on_sap_date), max(extract_date)
        FROM staging.stg_hr_sap__appraisals LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__riddor_reports', 'incident_date', 'incident_date', 'event',
        count(incident_date), count(*) FILTER (WHERE incident_date > extract_date), max(incident_date), max(extract_date)
        FROM staging.stg_hr_sap__riddor_reports LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_hr_sap__riddor_reports', 'reported_date', 'reported_date', 'event',
        count(reported_date), count(*) FILTER (WHERE reported_date > extract_date), max(reported_date), max(extract_date)
        FROM staging.stg_hr_sap__riddor_reports LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_audit__recommendations', 'raised_date', 'raised_date', 'event',
        count(raised_date), count(*) FILTER (WHERE raised_date > extract_date), max(raised_date), max(extract_date)
        FROM staging.stg_audit__recommendations LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_audit__recommendations', 'date_revised', 'date_revised', 'event',
        count(date_revised), count(*) FILTER (WHERE date_revised > extract_date), max(date_revised), max(extract_date)
        FROM staging.stg_audit__recommendations LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_audit__recommendations', 'date_closed', 'date_closed', 'event',
        count(date_closed), count(*) FILTER (WHERE date_closed > extract_date), max(date_closed), max(extract_date)
        FROM staging.stg_audit__recommendations LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__header', 'dob', 'dob', 'event',
        count(dob), count(*) FILTER (WHERE dob > extract_date), max(dob), max(extract_date)
        FROM staging.stg_social_care__header LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__episodes', 'decom', 'decom', 'event',
        count(decom), count(*) FILTER (WHERE decom > extract_date), max(decom), max(extract_date)
        FROM staging.stg_social_care__episodes LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__episodes', 'dec', 'dec', 'event',
        count(dec), count(*) FILTER (WHERE dec > extract_date), max(dec), max(extract_date)
        FROM staging.stg_social_care__episodes LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__reviews', 'review_date', 'review', 'event',
        count(review_date), count(*) FILTER (WHERE review_date > extract_date), max(review_date), max(extract_date)
        FROM staging.stg_social_care__reviews LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_referrals', 'referral_date', 'cin_referral_date', 'event',
        count(referral_date), count(*) FILTER (WHERE referral_date > extract_date), max(referral_date), max(extract_date)
        FROM staging.stg_social_care__cin_referrals LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_referrals', 'closure_date', 'cin_closure_date', 'event',
        count(closure_date), count(*) FILTER (WHERE closure_date > extract_date), max(closure_date), max(extract_date)
        FROM staging.stg_social_care__cin_referrals LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_assessments', 'start_date', 'assessment_actual_start_date', 'event',
        count(start_date), count(*) FILTER (WHERE start_date > extract_date), max(start_date), max(extract_date)
        FROM staging.stg_social_care__cin_assessments LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_assessments', 'authorised_date', 'assessment_authorisation_date', 'event',
        count(authorised_date), count(*) FILTER (WHERE authorised_date > extract_date), max(authorised_date), max(extract_date)
        FROM staging.stg_social_care__cin_assessments LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_section47', 's47_start_date', 's47_actual_start_date', 'event',
        count(s47_start_date), count(*) FILTER (WHERE s47_start_date > extract_date), max(s47_start_date), max(extract_date)
        FROM staging.stg_social_care__cin_section47 LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_section47', 'initial_cpc_date', 'date_of_initial_cpc', 'event',
        count(initial_cpc_date), count(*) FILTER (WHERE initial_cpc_date > extract_date), max(initial_cpc_date), max(extract_date)
        FROM staging.stg_social_care__cin_section47 LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_cp_plans', 'plan_start', 'cpp_start_date', 'event',
        count(plan_start), count(*) FILTER (WHERE plan_start > extract_date), max(plan_start), max(extract_date)
        FROM staging.stg_social_care__cin_cp_plans LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__cin_cp_plans', 'plan_end', 'cpp_end_date', 'event',
        count(plan_end), count(*) FILTER (WHERE plan_end > extract_date), max(plan_end), max(extract_date)
        FROM staging.stg_social_care__cin_cp_plans LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__contacts', 'contact_date', 'contact_date', 'event',
        count(contact_date), count(*) FILTER (WHERE contact_date > extract_date), max(contact_date), max(extract_date)
        FROM staging.stg_social_care__contacts LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__contacts', 'decision_date', 'decision_date', 'event',
        count(decision_date), count(*) FILTER (WHERE decision_date > extract_date), max(decision_date), max(extract_date)
        FROM staging.stg_social_care__contacts LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__initial_visits', 'referral_date', 'referral_date', 'event',
        count(referral_date), count(*) FILTER (WHERE referral_date > extract_date), max(referral_date), max(extract_date)
        FROM staging.stg_social_care__initial_visits LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__initial_visits', 'visit_date', 'visit_date', 'event',
        count(visit_date), count(*) FILTER (WHERE visit_date > extract_date), max(visit_date), max(extract_date)
        FROM staging.stg_social_care__initial_visits LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__strategy_discussions', 'concern_date', 'concern_date', 'event',
        count(concern_date), count(*) FILTER (WHERE concern_date > extract_date), max(concern_date), max(extract_date)
        FROM staging.stg_social_care__strategy_discussions LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__strategy_discussions', 'discussion_date', 'discussion_date', 'event',
        count(discussion_date), count(*) FILTER (WHERE discussion_date > extract_date), max(discussion_date), max(extract_date)
        FROM staging.stg_social_care__strategy_discussions LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__allocations', 'start_date', 'start_date', 'event',
        count(start_date), count(*) FILTER (WHERE start_date > extract_date), max(start_date), max(extract_date)
        FROM staging.stg_social_care__allocations LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__allocations', 'end_date', 'end_date', 'event',
        count(end_date), count(*) FILTER (WHERE end_date > extract_date), max(end_date), max(extract_date)
        FROM staging.stg_social_care__allocations LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__qa_audits', 'audit_date', 'audit_date', 'event',
        count(audit_date), count(*) FILTER (WHERE audit_date > extract_date), max(audit_date), max(extract_date)
        FROM staging.stg_social_care__qa_audits LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__care_leavers', 'birth_date', 'dob', 'event',
        count(birth_date), count(*) FILTER (WHERE birth_date > extract_date), max(birth_date), max(extract_date)
        FROM staging.stg_social_care__care_leavers LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__care_leavers', 'contact_date', 'contact_date', 'event',
        count(contact_date), count(*) FILTER (WHERE contact_date > extract_date), max(contact_date), max(extract_date)
        FROM staging.stg_social_care__care_leavers LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list1_contacts', 'contact_date', 'contact_date', 'event',
        count(contact_date), count(*) FILTER (WHERE contact_date > extract_date), max(contact_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list1_contacts LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list3_referrals', 'referral_date', 'referral_date', 'event',
        count(referral_date), count(*) FILTER (WHERE referral_date > extract_date), max(referral_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list3_referrals LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list4_assessments', 'start_date', 'assessment_start_date', 'event',
        count(start_date), count(*) FILTER (WHERE start_date > extract_date), max(start_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list4_assessments LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list4_assessments', 'authorised_date', 'assessment_authorised_date', 'event',
        count(authorised_date), count(*) FILTER (WHERE authorised_date > extract_date), max(authorised_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list4_assessments LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list5_section47', 's47_start_date', 's47_start_date', 'event',
        count(s47_start_date), count(*) FILTER (WHERE s47_start_date > extract_date), max(s47_start_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list5_section47 LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list5_section47', 'icpc_date', 'icpc_date', 'event',
        count(icpc_date), count(*) FILTER (WHERE icpc_date > extract_date), max(icpc_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list5_section47 LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list7_cp_plans', 'plan_start', 'cpp_start_date', 'event',
        count(plan_start), count(*) FILTER (WHERE plan_start > extract_date), max(plan_start), max(extract_date)
        FROM staging.stg_social_care__annex_a_list7_cp_plans LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list7_cp_plans', 'plan_end', 'cpp_end_date', 'event',
        count(plan_end), count(*) FILTER (WHERE plan_end > extract_date), max(plan_end), max(extract_date)
        FROM staging.stg_social_care__annex_a_list7_cp_plans LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list8_children_in_care', 'looked_after_start', 'lac_start_date', 'event',
        count(looked_after_start), count(*) FILTER (WHERE looked_after_start > extract_date), max(looked_after_start), max(extract_date)
        FROM staging.stg_social_care__annex_a_list8_children_in_care LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list8_children_in_care', 'looked_after_end', 'ceased_date', 'event',
        count(looked_after_end), count(*) FILTER (WHERE looked_after_end > extract_date), max(looked_after_end), max(extract_date)
        FROM staging.stg_social_care__annex_a_list8_children_in_care LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list8_children_in_care', 'placement_start', 'placement_start_date', 'event',
        count(placement_start), count(*) FILTER (WHERE placement_start > extract_date), max(placement_start), max(extract_date)
        FROM staging.stg_social_care__annex_a_list8_children_in_care LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__annex_a_list9_care_leavers', 'birth_date', 'dob', 'event',
        count(birth_date), count(*) FILTER (WHERE birth_date > extract_date), max(birth_date), max(extract_date)
        FROM staging.stg_social_care__annex_a_list9_care_leavers LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_social_care__oc3', 'dob', 'dob', 'event',
        count(dob), count(*) FILTER (WHERE dob > extract_date), max(dob), max(extract_date)
        FROM staging.stg_social_care__oc3 LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_education__attendance', 'month_start', 'month', 'event',
        count(month_start), count(*) FILTER (WHERE month_start > extract_date), max(month_start), max(extract_date)
        FROM staging.stg_education__attendance LEFT JOIN meta.loads ON load_id = _load_id
    UNION ALL SELECT 'staging.stg_risks__risk_register', 'review_date', 'review_date', 'event',
        count(review_date), count(*) FILTER (WHERE review_date > extract_date), max(review_date), max(extract_date)
        FROM staging.stg_risks__risk_register LEFT JOIN meta.loads ON load_id = _load_id
)
SELECT
    table_name,
    column_name,
    regexp_replace(table_name, '^staging[.]stg_', 'raw.') AS raw_table,
    raw_column,
    date_kind,
    dates_checked,
    dates_after_extract,
    latest_date,
    extract_date,
    CASE WHEN dates_after_extract > 0 THEN
        table_name || '.' || column_name || ' (' || regexp_replace(table_name, '^staging[.]stg_', 'raw.') || '.'
        || raw_column || '): ' || dates_after_extract || ' of ' || dates_checked
        || ' dates after the extract date ' || strftime(extract_date, '%Y-%m-%d')
        || ', latest ' || strftime(latest_date, '%Y-%m-%d')
    END AS future_dates_problem
FROM checked
