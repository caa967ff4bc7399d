-- GM02 Days lost to long-term sickness/absence per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   as GM01, counting only spells that last more than 20 working days in total (the
--              whole spell, even where it starts in an earlier quarter; an open spell is measured
--              to the period end). Only the spell's days inside the quarter count.
-- denominator: average FTE of the Children & Young People directorate over the quarter.
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences, hr_sap staff_in_post.
SELECT * FROM kpi_totals('kpis.kpi_gm02_days_lost_long_term_sickness_detail', 'GM02', 'hr_sap__staff_in_post')
