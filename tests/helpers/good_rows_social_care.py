"""Good rows for the social care and education raw suites (tests/test_quality.py): one table -> rows."""
SOCIAL_CARE_GOOD_ROWS = {
    "raw.social_care__header": [
        {"council_code": "123", "child": "566910", "sex": "2", "dob": "27/03/2008", "ethnic": "WBRI",
         "upn": "D051910639385", "mother": None, "mc_dob": None},
    ],
    "raw.social_care__episodes": [
        {"council_code": "123", "child": "566910", "decom": "15/02/2016", "rne": "S", "ls": "C2",
         "cin": "N3", "place": "U1", "place_provider": "PR1", "dec": "14/08/2017", "rec": "X1",
         "reason_place_change": None, "home_post": None, "pl_post": None, "urn": None},
        {"council_code": "123", "child": "566910", "decom": "14/08/2017", "rne": "T", "ls": "C2",
         "cin": "N3", "place": "A3", "place_provider": None, "dec": None, "rec": None,
         "reason_place_change": "CARPL", "home_post": None, "pl_post": None, "urn": None},
    ],
    "raw.social_care__reviews": [
        {"council_code": "123", "child": "566910", "dob": "27/03/2008", "review": "30/08/2017", "review_code": "PN6"},
    ],
    "raw.social_care__oc3": [
        {"council_code": "123", "child": "880820", "dob": "01/02/2001", "in_touch": "YES", "activ": "F1",
         "accom": "K1"},
    ],
    "raw.social_care__sw_episodes": [
        {"council_code": "123", "child": "566910", "dob": "27/03/2008", "sw_id": "SW1", "sw_decom": "01/01/2020",
         "sw_dec": None, "sw_reason": None},
    ],
    "raw.social_care__missing": [
        {"council_code": "123", "child": "566910", "dob": "27/03/2008", "missing": "M", "mis_start": "13/11/2017",
         "mis_end": "25/11/2017"},
    ],
    "raw.social_care__cin_children": [
        {"council_code": "123", "la_child_id": "C1", "upn": "A123456789012", "person_birth_date": "2015-03-27",
         "sex": "1", "ethnicity": "WBRI"},
    ],
    "raw.social_care__cin_referrals": [
        {"council_code": "123", "la_child_id": "C1", "referral_number": "1", "cin_referral_date": "2022-10-06",
         "referral_source": "1A", "primary_need_code": "N4", "cin_closure_date": "2023-02-27",
         "reason_for_closure": "RC1", "referral_nfa": "false"},
    ],
    "raw.social_care__cin_assessments": [
        {"council_code": "123", "la_child_id": "C1", "referral_number": "1",
         "assessment_actual_start_date": "2022-10-07", "assessment_authorisation_date": "2022-11-20"},
    ],
    "raw.social_care__cin_section47": [
        {"council_code": "123", "la_child_id": "C1", "referral_number": "1", "s47_actual_start_date": "2022-10-08",
         "initial_cpc_target": "2022-10-29", "date_of_initial_cpc": "2022-10-25", "icpc_not_required": "false"},
    ],
    "raw.social_care__cin_cp_plans": [
        {"council_code": "123", "la_child_id": "C1", "referral_number": "1", "cpp_start_date": "2022-10-25",
         "cpp_end_date": None, "initial_category_of_abuse": "NEG", "latest_category_of_abuse": "NEG",
         "number_of_previous_cpp": "0"},
    ],
    "raw.social_care__contacts": [
        {"council_code": "123", "contact_id": "K1", "child_id": "C1", "contact_date": "2023-04-03",
         "decision_date": "2023-04-04", "decision": "REFERRAL"},
    ],
    "raw.social_care__initial_visits": [
        {"council_code": "123", "referral_id": "R1", "child_id": "C1", "referral_date": "2023-04-04",
         "visit_date": None},
    ],
    "raw.social_care__strategy_discussions": [
        {"council_code": "123", "discussion_id": "S1", "child_id": "C1", "concern_date": "2023-04-04",
         "discussion_date": "2023-04-06"},
    ],
    "raw.social_care__allocations": [
        {"council_code": "123", "allocation_id": "A1", "child_id": "C1", "worker_id": "W1",
         "start_date": "2023-04-05", "end_date": None},
    ],
    "raw.social_care__qa_audits": [
        {"council_code": "123", "audit_id": "Q1", "child_id": "C1", "audit_date": "2023-05-10", "grade": "Good"},
    ],
    "raw.social_care__care_leavers": [
        {"council_code": "123", "child_id": "C9", "dob": "2004-05-01", "contact_date": "2023-05-02",
         "in_touch": "YES", "activity": "F2", "accommodation": "B1"},
    ],
    "raw.education__attendance": [
        {"council_code": "123", "child_id": "566910", "month": "2023-05", "sessions_possible": "38",
         "sessions_missed": "4"},
    ],
    # Ofsted Annex A lists, as the reader writes them (ISO dates, codes from Ofsted's lists)
    "raw.social_care__annex_a_list1_contacts": [
        {"council_code": "123", "child_id": "A1", "gender": "F", "dob": "2015-02-03",
         "contact_date": "2023-04-03", "contact_source": "1A"},
    ],
    "raw.social_care__annex_a_list3_referrals": [
        {"council_code": "123", "child_id": "A1", "gender": "F", "dob": "2015-02-03",
         "referral_date": "2023-04-04", "referral_source": "3A", "referral_nfa": "N",
         "referrals_last_12_months": "1"},
    ],
    "raw.social_care__annex_a_list4_assessments": [
        {"council_code": "123", "child_id": "A1", "gender": "F", "dob": "2015-02-03",
         "assessment_start_date": "2023-04-04", "child_seen": "Y",
         "assessment_authorised_date": "2023-05-10"},
    ],
    "raw.social_care__annex_a_list5_section47": [
        {"council_code": "123", "child_id": "A1", "gender": "F", "dob": "2015-02-03",
         "s47_start_date": "2023-04-05", "icpc_unnecessary": "N", "icpc_date": "2023-04-20",
         "icpc_resulted_in_plan": "Y", "s47_last_12_months": "1", "icpcs_last_12_months": "1"},
    ],
    "raw.social_care__annex_a_list7_cp_plans": [
        {"council_code": "123", "child_id": "A1", "gender": "F", "dob": "2015-02-03",
         "cpp_start_date": "2023-04-20", "cpp_end_date": None, "previous_cpp": "0"},
    ],
    "raw.social_care__annex_a_list8_children_in_care": [
        {"council_code": "123", "child_id": "A2", "gender": "M", "dob": "2012-07-08",
         "lac_start_date": "2021-09-01", "uasc": "N", "legal_status": "C2",
         "placements_last_12_months": "1", "ceased_date": None, "placement_start_date": "2022-01-10",
         "placement_type": "U1", "placement_provider": "PR1"},
    ],
    "raw.social_care__annex_a_list9_care_leavers": [
        {"council_code": "123", "child_id": "A3", "gender": "F", "dob": "2004-05-01",
         "eligibility": "FORMER_RELEVANT", "in_touch": "YES", "accommodation_type": "B",
         "suitability": "1", "activity": "F2"},
    ],
}
