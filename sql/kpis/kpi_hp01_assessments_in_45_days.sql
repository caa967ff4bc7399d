-- HP01 % of single assessments completed within 45 working days. Latest quarter; bigger is better.
-- denominator: CIN census assessments authorised (AssessmentAuthorisationDate) in the quarter.
-- numerator:   those authorised within 45 working days of AssessmentActualStartDate (the start
--              day is day 0; an assessment authorised on the 45th working day is in time).
-- value:       100 x numerator / denominator, 1 decimal. LAIT measure 304 ("continuous
--              assessments completed within 45 working days"); DfE measures from the referral,
--              this from the assessment's start, which the census records for every assessment.
-- sources:     CIN census assessments.
SELECT * FROM kpi_totals('kpis.kpi_hp01_assessments_in_45_days_detail', 'HP01', 'social_care__cin_referrals')
