-- HP01 % of single assessments completed within 45 working days. Latest quarter; bigger is better.
-- DfE measure: LAIT 304 "Continuous assessments completed within 45 working days", from the CIN
-- census (Characteristics of children in need, table C2: assessments completed in the year by
-- duration). DfE's published figure times each assessment from its AssessmentActualStartDate to
-- its AssessmentAuthorisationDate; this KPI does the same.
-- denominator: CIN census assessments authorised (AssessmentAuthorisationDate) in the quarter.
-- numerator:   those authorised within 45 working days of AssessmentActualStartDate (the start
--              day is day 0; an assessment authorised on the 45th working day is in time).
-- value:       100 x numerator / denominator, 1 decimal.
-- the other clock: Working Together to Safeguard Children sets the timescale "within 45 working
--              days from the point of referral", and LAIT 304's description repeats it ("should
--              be completed within 45 working days of a referral"). An assessment that starts
--              days after its referral can be in time on DfE's clock and late on the statutory
--              one. That figure is published beside this one as the `from_referral` breakdown
--              of HP01 in published.kpi_breakdowns (sql/marts/fct_kpi_breakdowns.sql).
-- departures from DfE: quarterly, not for the collection year (LAIT 304 is annual).
-- sources:     CIN census assessments; for a council that sends no CIN census, its Annex A list 4
--              (figure_basis 'annex_a'): Continuous Assessment Start Date to Date of Authorisation,
--              the same two dates on the same clock.
-- figure_basis: null for the CIN census figure; 'annex_a' for the Annex A one.
SELECT * FROM kpi_totals('kpis.kpi_hp01_assessments_in_45_days_detail', 'HP01', 'social_care__cin_referrals')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_hp01_assessments_in_45_days_detail', 'HP01',
                             'social_care__annex_a_list4_assessments', ['social_care__cin_referrals'])
