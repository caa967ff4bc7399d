-- CA03 % of final decisions made within time for all contacts. Latest quarter; bigger is better.
-- denominator: contacts with contact_date in the quarter.
-- numerator:   those with a decision made within 1 working day (the next working day; a Friday
--              contact decided on Monday is in time). Undecided contacts are not in time.
-- value:       100 x numerator / denominator, 1 decimal. Reported from Q1 2023/24, when the
--              measure was introduced (reference/kpis.csv first_period_end). Local measure.
-- sources:     social_care contacts (contact_date, decision_date).
SELECT * FROM kpi_totals('kpis.kpi_ca03_contact_decisions_in_time_detail', 'CA03', 'social_care__contacts')
