-- CA01 % of referrals to social care that are re-referrals within 12 months. Latest quarter;
-- smaller is better.
-- denominator: CIN census referrals (CINreferralDate) in the quarter, including those that led to
--              no further action, as DfE counts them.
-- numerator:   those where the same child had an earlier referral no more than 12 months before
--              (a previous referral exactly 12 months earlier, same calendar date, counts).
-- value:       100 x numerator / denominator, 1 decimal. DfE/LAIT measure 271 ("re-referrals
--              within 12 months of the previous referral"); DfE reports it for the year to
--              31 March, this is each quarter.
-- sources:     CIN census referrals (LAchildID, CINreferralDate); for a council that sends no CIN
--              census, its Annex A list 3 (figure_basis 'annex_a'): referrals dated in the quarter,
--              re-referrals those whose "Number of Referrals in Last 12 Months" is 1 or more or
--              whose child has an earlier referral in the list no more than 12 months before.
-- figure_basis: null for the CIN census figure; 'annex_a' for the Annex A one.
SELECT * FROM kpi_totals('kpis.kpi_ca01_re_referrals_detail', 'CA01', 'social_care__cin_referrals')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_ca01_re_referrals_detail', 'CA01',
                             'social_care__annex_a_list3_referrals', ['social_care__cin_referrals'])
