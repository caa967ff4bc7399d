-- GM05 Staff turnover (staff leaving as a % of all staff) - Children's. Reported each quarter as
-- the turnover of the 12 months to the period end (the seed's basis says "Latest Quarter": the
-- figure is published quarterly; a single quarter's leavers would be a quarter of the size).
-- numerator:   employments of the Children & Young People directorate whose leaving_date falls in
--              the 12 months to the period end, whatever the leaving reason.
-- denominator: average headcount = (headcount on the first day of those 12 months + headcount on
--              the period end) / 2, headcount = employments in post that day.
-- value:       100 x numerator / denominator, 1 decimal. Reported from Q2 2022/23.
-- sources:     hr_sap staff_in_post (directorate, start_date, leaving_date).
SELECT * FROM kpi_totals('kpis.kpi_gm05_staff_turnover_detail', 'GM05', 'hr_sap__staff_in_post')
