-- Every KPI of the catalogue must be in the scorecard for every council and quarter the run
-- computes: a KPI that silently drops out of the report (a status with no symbol, a join that
-- loses rows, a catalogue edit) must stop publication rather than leave a gap nobody notices.
-- A KPI whose source was not sent is still present, as "no information".
-- coverage_problem is null when the scorecard holds exactly the catalogue; otherwise it names
-- the council, the quarter and the KPI codes missing or extra, so a failure says what is wrong.
WITH expected AS (
    SELECT c.council_code, p.period_end, p.period_label, k.kpi_code
    FROM intermediate.int_councils AS c
    CROSS JOIN intermediate.int_periods AS p
    CROSS JOIN staging.stg_reference__kpis AS k
),
present AS (
    SELECT council_code, period_end, kpi_code, count(*) AS scorecard_rows
    FROM marts.mart_scorecard
    GROUP BY ALL
),
compared AS (
    SELECT
        coalesce(e.council_code, s.council_code) AS council_code,
        coalesce(e.period_end, s.period_end)     AS period_end,
        coalesce(e.kpi_code, s.kpi_code)         AS kpi_code,
        e.kpi_code IS NOT NULL                   AS in_catalogue,
        coalesce(s.scorecard_rows, 0)            AS scorecard_rows
    FROM expected AS e
    FULL JOIN present AS s USING (council_code, period_end, kpi_code)
),
counted AS (
    SELECT
        council_code,
        period_end,
        count(*) FILTER (WHERE in_catalogue)                              AS catalogue_kpis,
        count(*) FILTER (WHERE in_catalogue AND scorecard_rows > 0)       AS scorecard_kpis,
        sum(scorecard_rows)                                               AS scorecard_rows,
        string_agg(kpi_code, ', ' ORDER BY kpi_code) FILTER (WHERE in_catalogue AND scorecard_rows = 0)
                                                                          AS missing_kpis,
        string_agg(kpi_code, ', ' ORDER BY kpi_code) FILTER (WHERE NOT in_catalogue)
                                                                          AS extra_kpis,
        string_agg(kpi_code, ', ' ORDER BY kpi_code) FILTER (WHERE scorecard_rows > 1)
                                                                          AS duplicated_kpis
    FROM compared
    GROUP BY ALL
)
SELECT
    counted.*,
    missing_kpis IS NULL AND extra_kpis IS NULL AND duplicated_kpis IS NULL AS complete,
    CASE WHEN NOT (missing_kpis IS NULL AND extra_kpis IS NULL AND duplicated_kpis IS NULL) THEN
        council_code || ' ' || strftime(period_end, '%Y-%m-%d') || ': '
        || scorecard_kpis || ' of ' || catalogue_kpis || ' catalogue KPIs in the scorecard'
        || coalesce('; missing ' || missing_kpis, '')
        || coalesce('; unexpected (not in the catalogue, or an unknown council or quarter) ' || extra_kpis, '')
        || coalesce('; more than one row ' || duplicated_kpis, '')
    END AS coverage_problem
FROM counted
