-- HP02 % of children becoming the subject of a child protection plan for a second or subsequent
-- time. Latest quarter; smaller is better.
-- denominator: child protection plans starting (CPPstartDate) in the quarter.
-- numerator:   those where the child had an earlier plan (an earlier CPPstartDate in the census,
--              ever, as DfE counts it) or the census records NumberOfPreviousCPP of 1 or more
--              (plans before the census history began).
-- value:       100 x numerator / denominator, 1 decimal; the rolling 12-month figure sums four
--              quarters' numerators and denominators. LAIT measure 15.
-- sources:     CIN census child protection plans; for a council that sends no CIN census, its
--              Annex A list 7 (figure_basis 'annex_a'): plans starting in the quarter, repeat ones
--              those with "Number of Previous Child Protection Plans" of 1 or more or an earlier
--              plan of the same child in the list.
-- figure_basis: null for the CIN census figure; 'annex_a' for the Annex A one.
SELECT * FROM kpi_totals('kpis.kpi_hp02_repeat_child_protection_plans_detail', 'HP02', 'social_care__cin_referrals')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_hp02_repeat_child_protection_plans_detail', 'HP02',
                             'social_care__annex_a_list7_cp_plans', ['social_care__cin_referrals'])
