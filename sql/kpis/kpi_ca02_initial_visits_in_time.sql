-- CA02 % initial visits in time. Latest quarter; bigger is better.
-- denominator: referrals needing an initial visit with referral_date in the quarter.
-- numerator:   those where the child was seen within 3 working days of the referral (the
--              referral's own day is day 0; Mon-Fri less E&W bank holidays). A child not yet
--              seen is not in time.
-- value:       100 x numerator / denominator, 1 decimal. Local measure, no DfE equivalent.
-- sources:     social_care initial_visits (referral_date, visit_date).
SELECT * FROM kpi_totals('kpis.kpi_ca02_initial_visits_in_time_detail', 'CA02', 'social_care__initial_visits')
