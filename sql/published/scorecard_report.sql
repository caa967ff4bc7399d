-- The seed report's layout: for each published period end, one row per KPI with the four
-- previous quarters as they were published, this quarter's actual, target, symbol, comment and
-- comparator, and a comment drafted from the figures (marked as drafted) for when the service lead
-- has not written one; last, figure_basis: the basis this quarter's figure used (CL01/CL02:
-- 'local_list' or 'dfe_oc3_annual'; 'annex_a': from the council's Ofsted Annex A workbook, as it
-- sent no statutory source for the KPI; null: the catalogue's). Filter on council_code and
-- report_period_end.
CREATE OR REPLACE VIEW published.scorecard_report AS
SELECT
    r.council_code,
    r.period_end                                                        AS report_period_end,
    r.period_label                                                      AS report_period_label,
    r.display_order,
    r.kpi_code,
    r.scorecard,
    r.service,
    r.section,
    r.title,
    CASE r.polarity WHEN 'bigger_is_better' THEN 'Bigger is Better'
                    WHEN 'smaller_is_better' THEN 'Smaller is Better'
                    ELSE 'Plan is best' END                             AS good_performance,
    r.reporting_basis_label                                             AS reporting_basis,
    r.unit,
    r.decimals,
    strftime(CAST(last_day(CAST(r.period_end - to_months(12) AS DATE)) AS DATE), '%b-%y') AS q_minus_4_label,
    q4.actual                                                           AS q_minus_4,
    strftime(CAST(last_day(CAST(r.period_end - to_months(9) AS DATE)) AS DATE), '%b-%y')  AS q_minus_3_label,
    q3.actual                                                           AS q_minus_3,
    strftime(CAST(last_day(CAST(r.period_end - to_months(6) AS DATE)) AS DATE), '%b-%y')  AS q_minus_2_label,
    q2.actual                                                           AS q_minus_2,
    strftime(CAST(last_day(CAST(r.period_end - to_months(3) AS DATE)) AS DATE), '%b-%y')  AS q_minus_1_label,
    q1.actual                                                           AS q_minus_1,
    r.actual,
    r.target,
    r.status,
    r.symbol,
    r.status_label,
    r.comment,
    d.drafted_comment,
    r.comparator,
    r.comparator_year,
    r.figure_basis
FROM published.scorecard AS r
LEFT JOIN published.drafted_comments AS d ON d.council_code = r.council_code
      AND d.kpi_code = r.kpi_code AND d.period_end = r.period_end
LEFT JOIN published.scorecard AS q1 ON q1.council_code = r.council_code AND q1.kpi_code = r.kpi_code
      AND q1.period_end = CAST(last_day(CAST(r.period_end - to_months(3) AS DATE)) AS DATE)
LEFT JOIN published.scorecard AS q2 ON q2.council_code = r.council_code AND q2.kpi_code = r.kpi_code
      AND q2.period_end = CAST(last_day(CAST(r.period_end - to_months(6) AS DATE)) AS DATE)
LEFT JOIN published.scorecard AS q3 ON q3.council_code = r.council_code AND q3.kpi_code = r.kpi_code
      AND q3.period_end = CAST(last_day(CAST(r.period_end - to_months(9) AS DATE)) AS DATE)
LEFT JOIN published.scorecard AS q4 ON q4.council_code = r.council_code AND q4.kpi_code = r.kpi_code
      AND q4.period_end = CAST(last_day(CAST(r.period_end - to_months(12) AS DATE)) AS DATE)
