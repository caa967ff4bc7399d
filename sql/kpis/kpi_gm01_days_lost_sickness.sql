-- GM01 Days lost to sickness/absence per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   FTE days lost to sickness in the quarter by staff of the Children & Young People
--              directorate: working days (Mon-Fri less E&W bank holidays) of each spell that fall
--              inside the quarter and inside the employment, times the employee's FTE.
-- denominator: average FTE of the directorate over the quarter (calendar-day average).
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences (absence_start, absence_end, reason_code),
--              hr_sap staff_in_post (directorate, fte, start_date, leaving_date).
-- DfE measure: none (a local HR/corporate measure; DfE's LAIT has no equivalent).
SELECT * FROM kpi_totals('kpis.kpi_gm01_days_lost_sickness_detail', 'GM01', 'hr_sap__staff_in_post')
