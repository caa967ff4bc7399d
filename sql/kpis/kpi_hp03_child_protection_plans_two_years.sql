-- HP03 % of children subject to child protection plans lasting 2 years or more. Snapshot;
-- smaller is better.
-- denominator: child protection plans open at the period end (started on or before it, not
--              ended by it; a plan ending on the period end is closed).
-- numerator:   those open for more than 729 days at the period end (730 days or more: 2 years).
--              The numerator is the number of children the commentary quotes.
-- value:       100 x numerator / denominator, 1 decimal. LAIT measure 264 (at 31 March).
-- sources:     CIN census child protection plans (CPPstartDate, CPPendDate).
SELECT * FROM kpi_totals('kpis.kpi_hp03_child_protection_plans_two_years_detail', 'HP03', 'social_care__cin_referrals')
