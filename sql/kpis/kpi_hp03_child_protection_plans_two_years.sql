-- HP03 % of children subject to child protection plans lasting 2 years or more. Snapshot;
-- smaller is better.
-- denominator: child protection plans open at the period end (started on or before it, not
--              ended by it; a plan ending on the period end is closed).
-- numerator:   those open for more than 729 days at the period end (730 days or more: 2 years).
--              The numerator is the number of children the commentary quotes.
-- value:       100 x numerator / denominator, 1 decimal. LAIT measure 264 (at 31 March).
-- sources:     CIN census child protection plans (CPPstartDate, CPPendDate).
-- annex_a:     a council that sends no CIN census but an Ofsted Annex A workbook: list 7's plans
--              open at the quarter end the workbook describes (the latest on or before its extract
--              date, within three months; list 7 holds only the plans of its own period, so
--              earlier quarter ends would miss plans that ended before it); figure_basis 'annex_a'.
SELECT * FROM kpi_totals('kpis.kpi_hp03_child_protection_plans_two_years_detail', 'HP03', 'social_care__cin_referrals')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_hp03_child_protection_plans_two_years_detail', 'HP03',
                             'social_care__annex_a_list7_cp_plans', ['social_care__cin_referrals'], snapshot_only := true)
