-- GM06 Number of Health and Safety Executive reports completed (RIDDOR) - Children's.
-- Latest quarter; smaller is better; a count.
-- numerator:   reports made to the HSE (reported_date) in the quarter for incidents in the
--              Children & Young People directorate. The incident may be in an earlier quarter.
-- denominator: none.
-- sources:     hr_sap riddor_reports (directorate, reported_date).
-- DfE measure: none (a local HR/corporate measure; DfE's LAIT has no equivalent).
SELECT * FROM kpi_totals('kpis.kpi_gm06_riddor_reports_detail', 'GM06', 'hr_sap__staff_in_post', counts_only := true)
