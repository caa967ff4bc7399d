"""Children's social care: the SSDA903 return tables, the CIN census, local lists and Ofsted's
Annex A workbook.

The 903 tables keep DfE's CSV layout (upper-case headers, dd/mm/YYYY dates) so a council can drop
the files its case-management system already produces; they carry no council code, which the
loader takes from the extract folder's `extract.json`. The CIN census is XML (`scorecard.ingest.cin_xml`);
Annex A is a workbook of lists (`scorecard.ingest.annex_a`).
Local lists are this project's own contracts. See docs/social_care_spec.md and docs/contracts.md.

Event dates (`event=True`) after the extract date are quarantined at load. The 903 REVIEW date and
the CIN census dates are not marked: they are left to the future-dates quality check
(sql/marts/mart_future_dates.sql), which stops publication instead, because the public D2I sample
returns date reviews and census events years ahead and must still load whole.
"""

from __future__ import annotations

from scorecard.ingest.sources.contract import COUNCIL_CODE, Column, Contract

SOURCE = "social_care"
_903 = {"source": SOURCE, "date_formats": ("%d/%m/%Y",), "council_code_from": "manifest",
        "encoding": "utf-8"}
ANNEX_A_FILE = "annex_a.xlsx"
_LOCAL = {"source": SOURCE, "date_formats": ("%Y-%m-%d",), "encoding": "utf-8", "required_file": False}

SEX = ("1", "2")
RNE = ("S", "L", "P", "T", "U", "B")
LEGAL_STATUS = ("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
PLACE = ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
         "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1")
PLACE_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REC = ("E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46", "E47",
       "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1")
# OC3 (care leavers). One definition of DfE's lists, used by the 903 OC3 contract and the local
# care_leavers list alike, each as the Data-to-Insight validator checks it: IN_TOUCH rule 131,
# ACTIV rule 132, ACCOM rule 133. `0` is DfE's "not applicable": required for both ACTIV and ACCOM
# when IN_TOUCH is DIED or RHOM (rule 344), allowed for the other not-in-touch codes and refused
# only with YES (rule 345, a cross-field rule this contract does not enforce), so never quarantined.
# ACCOM is a letter (the kind of accommodation) and 1 suitable / 2 not suitable; S (no fixed abode)
# and X (in custody) exist only as 2.
NOT_APPLICABLE = "0"
IN_TOUCH = ("YES", "NO", "REFU", "DIED", "RHOM", "NREQ")
ACTIV = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", NOT_APPLICABLE)
ACCOM = ("B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1",
         "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2",
         NOT_APPLICABLE)

CHILD = Column("child", "text", header="CHILD", identifier=True)


def _dfe(name: str, kind: str = "text", **options) -> Column:
    return Column(name, kind, header=name.upper(), **options)


HEADER = Contract(
    table="header", file_name="header.csv", key=("council_code", "child"),
    required_unless=ANNEX_A_FILE,
    description="SSDA903 header: one row per child looked after",
    columns=(CHILD, _dfe("sex", "code", codes=SEX), _dfe("dob", "date", event=True),
             _dfe("ethnic", required=False), _dfe("upn", required=False, identifier=True),
             _dfe("mother", required=False), _dfe("mc_dob", "date", required=False, event=True, staged_as="")),
    **_903,
)
EPISODES = Contract(
    table="episodes", file_name="episodes.csv", key=("council_code", "child", "decom"),
    required_unless=ANNEX_A_FILE,
    description="SSDA903 episodes: one row per episode of care (legal status and placement)",
    columns=(CHILD, _dfe("decom", "date", event=True), _dfe("rne", "code", codes=RNE),
             _dfe("ls", "code", codes=LEGAL_STATUS), _dfe("cin", required=False),
             _dfe("place", "code", codes=PLACE), _dfe("place_provider", "code", required=False,
                                                      codes=PLACE_PROVIDER),
             _dfe("dec", "date", required=False, event=True),
             _dfe("rec", "code", required=False, codes=REC, required_when="dec"),
             _dfe("reason_place_change", required=False),
             _dfe("home_post", required=False, identifier=True),
             _dfe("pl_post", required=False, identifier=True), _dfe("urn", required=False)),
    **_903,
)
REVIEWS = Contract(
    table="reviews", file_name="reviews.csv", key=("council_code", "child", "review"),
    description="SSDA903 reviews: one row per looked-after review", required_file=False,
    columns=(CHILD, _dfe("dob", "date", event=True, staged_as=""),
             _dfe("review", "date", date_kind="event", staged_as="review_date"),
             _dfe("review_code", required=False)),
    **_903,
)
OC3 = Contract(
    table="oc3", file_name="oc3.csv", key=("council_code", "child"), required_file=False,
    description="SSDA903 OC3: care leavers' annual outcome",
    columns=(CHILD, _dfe("dob", "date", event=True), _dfe("in_touch", "code", codes=IN_TOUCH),
             _dfe("activ", "code", required=False, codes=ACTIV),
             _dfe("accom", "code", required=False, codes=ACCOM)),
    **_903,
)
SW_EPISODES = Contract(
    table="sw_episodes", file_name="sw_episodes.csv", key=("council_code", "child", "sw_decom"),
    description="SSDA903 social worker episodes", required_file=False,
    columns=(CHILD, _dfe("dob", "date", event=True), _dfe("sw_id", identifier=True),
             _dfe("sw_decom", "date", event=True),
             _dfe("sw_dec", "date", required=False, event=True), _dfe("sw_reason", required=False)),
    **_903,
)
MISSING = Contract(
    table="missing", file_name="missing.csv", key=("council_code", "child", "mis_start"),
    description="SSDA903 missing and away-from-placement episodes", required_file=False,
    columns=(CHILD, _dfe("dob", "date", event=True), _dfe("missing", "code", codes=("M", "A")),
             _dfe("mis_start", "date", event=True),
             _dfe("mis_end", "date", required=False, event=True)),
    **_903,
)

# The CIN census: one XML file, read in one streaming pass into five tables (scorecard.ingest.cin_xml).
# Every table gets council_code from the file's <LEA>; referral_number is the position (from 1)
# of the <CINdetails> inside its <Child>, linking a referral to its assessments, S47s and plans.
_CIN = {"source": SOURCE, "file_name": "cin_census.xml", "date_formats": ("%Y-%m-%d",),
        "council_code_from": "file", "encoding": "utf-8", "required_file": False,
        "reader": "cin_census"}
LA_CHILD_ID = Column("la_child_id", "text", header="LAchildID", identifier=True)
REFERRAL_NUMBER = Column("referral_number", "pattern", pattern=r"^[1-9][0-9]*$")
TRUE_FALSE = ("true", "false", "1", "0")

CIN_CHILDREN = Contract(
    table="cin_children", key=("council_code", "la_child_id"),
    description="CIN census children",
    columns=(LA_CHILD_ID, Column("upn", required=False, header="UPN", identifier=True),
             Column("person_birth_date", "date", required=False, header="PersonBirthDate",
                    date_kind="event"),
             Column("sex", required=False, header="Sex"),
             Column("ethnicity", required=False, header="Ethnicity")),
    **_CIN,
)
CIN_REFERRALS = Contract(
    table="cin_referrals", key=("council_code", "la_child_id", "referral_number"),
    description="CIN census referrals (one per CINdetails)",
    columns=(LA_CHILD_ID, REFERRAL_NUMBER,
             Column("cin_referral_date", "date", header="CINreferralDate", date_kind="event",
                    staged_as="referral_date"),
             Column("referral_source", required=False, header="ReferralSource"),
             Column("primary_need_code", required=False, header="PrimaryNeedCode"),
             Column("cin_closure_date", "date", required=False, header="CINclosureDate",
                    date_kind="event", staged_as="closure_date"),
             Column("reason_for_closure", required=False, header="ReasonForClosure"),
             Column("referral_nfa", "code", required=False, header="ReferralNFA", codes=TRUE_FALSE)),
    **_CIN,
)
CIN_ASSESSMENTS = Contract(
    table="cin_assessments",
    key=("council_code", "la_child_id", "referral_number", "assessment_actual_start_date"),
    description="CIN census assessments",
    columns=(LA_CHILD_ID, REFERRAL_NUMBER,
             Column("assessment_actual_start_date", "date", header="AssessmentActualStartDate",
                    date_kind="event", staged_as="start_date"),
             Column("assessment_authorisation_date", "date", required=False,
                    header="AssessmentAuthorisationDate", date_kind="event",
                    staged_as="authorised_date")),
    **_CIN,
)
CIN_SECTION47 = Contract(
    table="cin_section47",
    key=("council_code", "la_child_id", "referral_number", "s47_actual_start_date"),
    description="CIN census section 47 enquiries",
    columns=(LA_CHILD_ID, REFERRAL_NUMBER,
             Column("s47_actual_start_date", "date", header="S47ActualStartDate", date_kind="event",
                    staged_as="s47_start_date"),
             Column("initial_cpc_target", "date", required=False, header="InitialCPCtarget",
                    date_kind="target", staged_as="initial_cpc_target_date"),
             Column("date_of_initial_cpc", "date", required=False, header="DateOfInitialCPC",
                    date_kind="event", staged_as="initial_cpc_date"),
             Column("icpc_not_required", "code", required=False, header="ICPCnotRequired",
                    codes=TRUE_FALSE)),
    **_CIN,
)
CIN_CP_PLANS = Contract(
    table="cin_cp_plans", key=("council_code", "la_child_id", "cpp_start_date"),
    description="CIN census child protection plans",
    columns=(LA_CHILD_ID, REFERRAL_NUMBER,
             Column("cpp_start_date", "date", header="CPPstartDate", date_kind="event",
                    staged_as="plan_start"),
             Column("cpp_end_date", "date", required=False, header="CPPendDate", date_kind="event",
                    staged_as="plan_end"),
             Column("initial_category_of_abuse", required=False, header="InitialCategoryOfAbuse"),
             Column("latest_category_of_abuse", required=False, header="LatestCategoryOfAbuse"),
             Column("number_of_previous_cpp", "pattern", required=False,
                    header="NumberOfPreviousCPP", pattern=r"^[0-9]+$")),
    **_CIN,
)
CIN_CENSUS = (CIN_CHILDREN, CIN_REFERRALS, CIN_ASSESSMENTS, CIN_SECTION47, CIN_CP_PLANS)
# The census's record elements (each one a row of its table) and where DfE's schema puts them;
# the groups of a <Child> its columns are read from (the identifiers first); a column a census may
# send under either of two names (the first wins). Both CIN readers (scorecard.ingest.cin_xml,
# scorecard.ingest.cin_scan) read the file by these.
CIN_RECORDS = {"Child": CIN_CHILDREN, "CINdetails": CIN_REFERRALS, "Assessments": CIN_ASSESSMENTS,
               "Section47": CIN_SECTION47, "ChildProtectionPlans": CIN_CP_PLANS}
CIN_RECORD_PATHS = {
    "Child": "Message/Children/Child",
    "CINdetails": "Message/Children/Child/CINdetails",
    **{name: f"Message/Children/Child/CINdetails/{name}"
       for name in ("Assessments", "Section47", "ChildProtectionPlans")},
}
CIN_CHILD_GROUPS = ("ChildIdentifiers", "ChildCharacteristics")
CIN_ALTERNATIVES = {"Sex": ("Sex", "GenderCurrent")}

CHILD_ID = Column("child_id", "text", identifier=True)
CONTACTS = Contract(
    table="contacts", file_name="contacts.csv", key=("council_code", "contact_id"),
    description="contacts to the front door and the decision on each",
    columns=(COUNCIL_CODE, Column("contact_id"), CHILD_ID,
             Column("contact_date", "date", event=True),
             Column("decision_date", "date", required=False, event=True),
             Column("decision", "code", required=False, required_when="decision_date",
                    codes=("NFA", "EARLY_HELP", "REFERRAL", "INFORMATION"))),
    **_LOCAL,
)
INITIAL_VISITS = Contract(
    table="initial_visits", file_name="initial_visits.csv", key=("council_code", "referral_id"),
    description="referrals needing an initial visit, and the visit",
    columns=(COUNCIL_CODE, Column("referral_id"), CHILD_ID,
             Column("referral_date", "date", event=True),
             Column("visit_date", "date", required=False, event=True)),
    **_LOCAL,
)
STRATEGY_DISCUSSIONS = Contract(
    table="strategy_discussions", file_name="strategy_discussions.csv",
    key=("council_code", "discussion_id"),
    description="strategy discussions and the concern that called for each",
    columns=(COUNCIL_CODE, Column("discussion_id"), CHILD_ID,
             Column("concern_date", "date", event=True),
             Column("discussion_date", "date", event=True)),
    **_LOCAL,
)
ALLOCATIONS = Contract(
    table="allocations", file_name="allocations.csv", key=("council_code", "allocation_id"),
    description="allocations of a social worker to a child",
    columns=(COUNCIL_CODE, Column("allocation_id"), CHILD_ID,
             Column("worker_id", identifier=True), Column("start_date", "date", event=True),
             Column("end_date", "date", required=False, event=True)),
    **_LOCAL,
)
QA_AUDITS = Contract(
    table="qa_audits", file_name="qa_audits.csv", key=("council_code", "audit_id"),
    description="case file audits and their grade",
    columns=(COUNCIL_CODE, Column("audit_id"), CHILD_ID, Column("audit_date", "date", event=True),
             Column("grade", "code", codes=("Outstanding", "Good", "Requires improvement",
                                            "Inadequate", "Not graded"))),
    **_LOCAL,
)
CARE_LEAVERS = Contract(
    table="care_leavers", file_name="care_leavers.csv",
    key=("council_code", "child_id", "contact_date"),
    description="keeping-in-touch contacts with former relevant children (care leavers)",
    columns=(COUNCIL_CODE, CHILD_ID, Column("dob", "date", event=True, staged_as="birth_date"),
             Column("contact_date", "date", event=True),
             Column("in_touch", "code", codes=IN_TOUCH),
             Column("activity", "code", required=False, codes=ACTIV),
             Column("accommodation", "code", required=False, codes=ACCOM)),
    **_LOCAL,
)

SSDA903 = (HEADER, EPISODES, REVIEWS, OC3, SW_EPISODES, MISSING)
LOCAL_LISTS = (CONTACTS, INITIAL_VISITS, STRATEGY_DISCUSSIONS, ALLOCATIONS, QA_AUDITS, CARE_LEAVERS)


# Ofsted's Annex A workbook (the ILACS "request for information"): one sheet per list, read in one
# pass by scorecard.ingest.annex_a into one raw table per list used here. The reader finds each list's
# sheet and columns however the council spelt them, and stores coded values as the codes of
# reference/annex_a_values.csv (a value it cannot place keeps its text and is quarantined with its
# sheet, row and column). Columns holding names, postcodes or free text (allocated worker,
# placement postcode) are not read at all. No council code in the workbook: extract.json gives it.
# docs/social_care_spec.md says which KPIs fall back on these lists and why the statutory returns
# win where a council sends both.
def _annex_a_codes(domain: str) -> tuple[str, ...]:
    import csv

    from scorecard.config import REFERENCE_DIR

    with (REFERENCE_DIR / "annex_a_values.csv").open(encoding="utf-8", newline="") as handle:
        codes = tuple(row["code"] for row in csv.DictReader(handle) if row["domain"] == domain)
    if not codes:
        raise ValueError(f"reference/annex_a_values.csv has no values for domain '{domain}'")
    return codes


_ANNEX_A = {"source": SOURCE, "file_name": ANNEX_A_FILE, "date_formats": ("%Y-%m-%d",),
            "council_code_from": "manifest", "encoding": "utf-8", "required_file": False,
            "reader": "annex_a"}
ANNEX_A_DOMAINS = {
    "gender": "gender", "contact_source": "source", "referral_source": "source",
    "referral_nfa": "yes_no", "child_seen": "yes_no", "icpc_unnecessary": "yes_no",
    "icpc_resulted_in_plan": "yes_no", "uasc": "yes_no", "legal_status": "legal_status",
    "placement_type": "placement_type", "placement_provider": "placement_provider",
    "eligibility": "eligibility", "in_touch": "in_touch", "accommodation_type": "accommodation_type",
    "suitability": "suitability", "activity": "activity",
}


def _annex(name: str, header: str, kind: str = "text", **options) -> Column:
    if name in ANNEX_A_DOMAINS:
        kind, options = "code", {**options, "codes": _annex_a_codes(ANNEX_A_DOMAINS[name])}
    return Column(name, kind, header=header, **options)


_ANNEX_CHILD = Column("child_id", "text", header="Child Unique ID", identifier=True)
_ANNEX_GENDER = _annex("gender", "Gender", required=False)
_ANNEX_DOB = _annex("dob", "Date of Birth", "date", required=False, event=True, staged_as="")
_COUNT = {"kind": "integer", "required": False, "minimum": 0}

ANNEX_A_CONTACTS = Contract(
    table="annex_a_list1_contacts", sheet="List 1",
    key=("council_code", "child_id", "contact_date", "contact_source"),
    description="Annex A list 1: contacts in the period",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("contact_date", "Date of Contact", "date", event=True),
             _annex("contact_source", "Contact Source", required=False)),
    **_ANNEX_A,
)
ANNEX_A_REFERRALS = Contract(
    table="annex_a_list3_referrals", sheet="List 3", key=("council_code", "child_id", "referral_date"),
    description="Annex A list 3: referrals in the period",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("referral_date", "Date of Referral", "date", event=True),
             _annex("referral_source", "Referral Source", required=False),
             _annex("referral_nfa", "Referral NFA?", required=False),
             _annex("referrals_last_12_months", "Number of Referrals in Last 12 Months", **_COUNT)),
    **_ANNEX_A,
)
ANNEX_A_ASSESSMENTS = Contract(
    table="annex_a_list4_assessments", sheet="List 4",
    key=("council_code", "child_id", "assessment_start_date"),
    description="Annex A list 4: (continuous) assessments in the period",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("assessment_start_date", "Continuous Assessment Start Date", "date", event=True,
                    staged_as="start_date"),
             _annex("child_seen", "Child Seen During Continuous Assessment", required=False),
             _annex("assessment_authorised_date", "Continuous Assessment Date of Authorisation",
                    "date", required=False, event=True, staged_as="authorised_date")),
    **_ANNEX_A,
)
ANNEX_A_SECTION47 = Contract(
    table="annex_a_list5_section47", sheet="List 5",
    key=("council_code", "child_id", "s47_start_date"),
    description="Annex A list 5: section 47 enquiries and initial child protection conferences",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("s47_start_date", "Strategy discussion initiating Section 47 Enquiry Start Date",
                    "date", event=True),
             _annex("icpc_unnecessary",
                    "Was an Initial Child Protection Conference deemed unnecessary?", required=False),
             _annex("icpc_date", "Date of Initial Child Protection Conference", "date",
                    required=False, event=True),
             _annex("icpc_resulted_in_plan", "Did the Initial Child Protection Conference Result in "
                    "a Child Protection Plan", required=False),
             _annex("s47_last_12_months", "Number of Section 47 Enquiries in the last 12 months",
                    **_COUNT),
             _annex("icpcs_last_12_months", "Number of ICPCs in the last 12 months", **_COUNT)),
    **_ANNEX_A,
)
ANNEX_A_CP_PLANS = Contract(
    table="annex_a_list7_cp_plans", sheet="List 7",
    key=("council_code", "child_id", "cpp_start_date"),
    description="Annex A list 7: children on a child protection plan in the period",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("cpp_start_date", "Child Protection Plan Start Date", "date", event=True,
                    staged_as="plan_start"),
             _annex("cpp_end_date", "Child Protection Plan End Date", "date", required=False,
                    event=True, staged_as="plan_end"),
             _annex("previous_cpp", "Number of Previous Child Protection Plans", **_COUNT)),
    **_ANNEX_A,
)
ANNEX_A_CHILDREN_IN_CARE = Contract(
    table="annex_a_list8_children_in_care", sheet="List 8",
    key=("council_code", "child_id", "lac_start_date"),
    description="Annex A list 8: children looked after in the period, with their latest placement",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER, _ANNEX_DOB,
             _annex("lac_start_date", "Date Started to be Looked After", "date", event=True,
                    staged_as="looked_after_start"),
             _annex("uasc", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months "
                    "(Y/N)", required=False),
             _annex("legal_status", "Child's Legal Status", required=False),
             _annex("placements_last_12_months", "Number of Placements in the Last 12 months",
                    **_COUNT),
             _annex("ceased_date", "Date Ceased to be Looked After", "date", required=False,
                    event=True, staged_as="looked_after_end"),
             _annex("placement_start_date", "Start Date of Most Recent Placement", "date",
                    required=False, event=True, staged_as="placement_start"),
             _annex("placement_type", "Placement Type", required=False),
             _annex("placement_provider", "Placement Provider", required=False)),
    **_ANNEX_A,
)
ANNEX_A_CARE_LEAVERS = Contract(
    table="annex_a_list9_care_leavers", sheet="List 9", key=("council_code", "child_id"),
    description="Annex A list 9: care leavers and their current status",
    columns=(_ANNEX_CHILD, _ANNEX_GENDER,
             _annex("dob", "Date of Birth", "date", event=True, staged_as="birth_date"),
             _annex("eligibility", "Eligibility Category", required=False),
             _annex("in_touch", "LA in Touch"),
             _annex("accommodation_type", "Type of Accommodation", required=False),
             _annex("suitability", "Suitability of Accommodation", required=False),
             _annex("activity", "Activity Status", required=False)),
    **_ANNEX_A,
)
ANNEX_A = (ANNEX_A_CONTACTS, ANNEX_A_REFERRALS, ANNEX_A_ASSESSMENTS, ANNEX_A_SECTION47,
           ANNEX_A_CP_PLANS, ANNEX_A_CHILDREN_IN_CARE, ANNEX_A_CARE_LEAVERS)

CONTRACTS = SSDA903 + CIN_CENSUS + LOCAL_LISTS + ANNEX_A
