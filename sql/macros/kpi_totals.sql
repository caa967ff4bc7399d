-- A KPI's figures from its drill-through model: for every council and quarter the run computes,
-- numerator = sum of the records' numerator_value, denominator = sum of their denominator_value
-- (none for counts). Quarters with no records get 0, not a missing row: "no reports" is a zero.
-- Relations are passed by name (query_table) so the macro can be created before they exist.
CREATE OR REPLACE MACRO kpi_totals(detail_relation, code, counts_only := false,
                                   periods := 'intermediate.int_periods',
                                   councils := 'intermediate.int_councils') AS TABLE
SELECT
    c.council_code,
    code                                                          AS kpi_code,
    p.period_end,
    CAST(coalesce(sum(d.numerator_value), 0) AS DOUBLE)           AS numerator,
    CASE WHEN NOT counts_only
         THEN CAST(coalesce(sum(d.denominator_value), 0) AS DOUBLE) END AS denominator
FROM query_table(periods) AS p
CROSS JOIN query_table(councils) AS c
LEFT JOIN query_table(detail_relation) AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL;
