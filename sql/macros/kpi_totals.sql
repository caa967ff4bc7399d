-- A KPI's figures from its drill-through model: for every council that sent `sent_table` and
-- every quarter the run computes, numerator = sum of the records' numerator_value, denominator =
-- sum of their denominator_value (none for counts). Quarters with no records get 0, not a missing
-- row: "no reports" is a zero. A council that did not send the table gets no row at all, which
-- the scorecard shows as "no information".
-- Sums are exact: each record's value is taken at 9 decimal places (DECIMAL(38, 9)) and added as
-- a decimal, so the total does not depend on the order DuckDB's threads add the records in (a
-- DOUBLE sum in parallel can differ in its last bit: 523.4 against 523.4000000000001). The exact
-- total is then returned as DOUBLE, the type BI tools read; the same total always converts to
-- the same DOUBLE.
-- Relations are passed by name (query_table) so the macro can be created before they exist.
CREATE OR REPLACE MACRO kpi_totals(detail_relation, code, sent_table, counts_only := false,
                                   periods := 'intermediate.int_periods',
                                   council_sources := 'intermediate.int_council_sources') AS TABLE
SELECT
    c.council_code,
    code                                                          AS kpi_code,
    p.period_end,
    CAST(coalesce(sum(CAST(d.numerator_value AS DECIMAL(38, 9))), 0) AS DOUBLE) AS numerator,
    CASE WHEN NOT counts_only
         THEN CAST(coalesce(sum(CAST(d.denominator_value AS DECIMAL(38, 9))), 0) AS DOUBLE)
    END                                                           AS denominator
FROM query_table(periods) AS p
CROSS JOIN (SELECT council_code FROM query_table(council_sources) AS s
            WHERE s.source_table = sent_table) AS c
LEFT JOIN query_table(detail_relation) AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL;

-- A care-leaver KPI on DfE's annual OC3 basis (CL01, CL02), for every council that sent the 903
-- OC3 but no local care-leaver list: numerator and denominator summed from the detail model's
-- 'dfe_oc3_annual' records at the quarter ends that show the collection year's figure
-- (intermediate.int_social_care__oc3_collection_years). 0/0 when the cohort is empty.
CREATE OR REPLACE MACRO oc3_annual_totals(detail_relation, code,
                                          years := 'intermediate.int_social_care__oc3_collection_years',
                                          council_sources := 'intermediate.int_council_sources') AS TABLE
SELECT
    y.council_code,
    code                                                          AS kpi_code,
    y.period_end,
    CAST(coalesce(sum(d.numerator_value), 0) AS DOUBLE)           AS numerator,
    CAST(coalesce(sum(d.denominator_value), 0) AS DOUBLE)         AS denominator,
    'dfe_oc3_annual'                                              AS figure_basis
FROM query_table(years) AS y
LEFT JOIN query_table(detail_relation) AS d
       ON d.council_code = y.council_code AND d.period_end = y.period_end
      AND d.figure_basis = 'dfe_oc3_annual'
WHERE y.council_code NOT IN (SELECT council_code FROM query_table(council_sources) AS s
                             WHERE s.source_table = 'social_care__care_leavers')
GROUP BY ALL;

-- A KPI from the council's Ofsted Annex A workbook, for every council that sent the Annex A list
-- `annex_table` and none of `statutory_tables`, the statutory returns the KPI stands on otherwise:
-- where a council sends both, the statutory return wins (docs/social_care_spec.md says why) and
-- the detail model holds no Annex A records for it. `snapshot_only`: the list describes one
-- moment (list 9's status as at the workbook), so only the quarter ends the detail model holds
-- records for get a figure; otherwise, like kpi_totals, every quarter the run computes, 0 when
-- the list holds no records for it.
CREATE OR REPLACE MACRO annex_a_totals(detail_relation, code, annex_table, statutory_tables,
                                       snapshot_only := false,
                                       periods := 'intermediate.int_periods',
                                       council_sources := 'intermediate.int_council_sources') AS TABLE
SELECT
    c.council_code,
    code                                                          AS kpi_code,
    p.period_end,
    CAST(coalesce(sum(CAST(d.numerator_value AS DECIMAL(38, 9))), 0) AS DOUBLE) AS numerator,
    CAST(coalesce(sum(CAST(d.denominator_value AS DECIMAL(38, 9))), 0) AS DOUBLE) AS denominator,
    'annex_a'                                                     AS figure_basis
FROM query_table(periods) AS p
CROSS JOIN (SELECT council_code FROM query_table(council_sources) AS s
            WHERE s.source_table = annex_table
              AND s.council_code NOT IN (SELECT council_code FROM query_table(council_sources) AS t
                                         WHERE list_contains(statutory_tables, t.source_table))) AS c
LEFT JOIN query_table(detail_relation) AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
      AND d.figure_basis = 'annex_a'
GROUP BY ALL
HAVING NOT snapshot_only OR count(d.council_code) > 0;
