-- HP04 % strategy discussions that took place in 5 working days. Latest quarter (the seed prints
-- "Quarterly"); bigger is better.
-- denominator: strategy discussions held (discussion_date) in the quarter.
-- numerator:   those held within 5 working days of the day the concern was raised (that day is
--              day 0; a discussion on the 5th working day is in time).
-- value:       100 x numerator / denominator, 1 decimal. Local measure.
-- sources:     social_care strategy_discussions (concern_date, discussion_date).
SELECT * FROM kpi_totals('kpis.kpi_hp04_strategy_discussions_in_time_detail', 'HP04', 'social_care__strategy_discussions')
