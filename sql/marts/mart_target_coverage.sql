-- Targets the scorecard needs and lacks, and target rows that contradict each other: one row per
-- council, KPI and financial year that the run computes a reported quarter of (on or after the
-- KPI's first_period_end), or that reference/targets.csv has rows for.
-- A reported KPI with no target shows "◇ Missing target". That is right when no target was set
-- (the seed's GM04 and GM05), which targets.csv records as a row with an empty target; otherwise
-- a row is missing, and missing_target_problem (a warning) names the council, KPI, year and
-- quarters. target_rows_problem (an error) names rows the scorecard could only pick from at
-- random or would never use: two rows for the same year or quarter, a period_end that is not a
-- quarter end of the row's financial_year, or a KPI code the catalogue does not have.
WITH needed AS (
    SELECT c.council_code, k.kpi_code, p.financial_year, p.period_end, p.period_label
    FROM intermediate.int_councils AS c
    CROSS JOIN staging.stg_reference__kpis AS k
    CROSS JOIN intermediate.int_periods AS p
    WHERE k.first_period_end IS NULL OR p.period_end >= k.first_period_end
),
covered AS (
    SELECT
        n.council_code, n.kpi_code, n.financial_year,
        count(*)                                                          AS reported_quarters,
        count(*) FILTER (WHERE y.kpi_code IS NOT NULL OR q.kpi_code IS NOT NULL) AS quarters_with_target_row,
        string_agg(n.period_label, ', ' ORDER BY n.period_end)
            FILTER (WHERE y.kpi_code IS NULL AND q.kpi_code IS NULL)      AS quarters_without_target
    FROM needed AS n
    LEFT JOIN (SELECT DISTINCT council_code, kpi_code, financial_year FROM staging.stg_reference__targets
               WHERE period_end IS NULL) AS y
           ON y.council_code = n.council_code AND y.kpi_code = n.kpi_code AND y.financial_year = n.financial_year
    LEFT JOIN (SELECT DISTINCT council_code, kpi_code, period_end FROM staging.stg_reference__targets
               WHERE period_end IS NOT NULL) AS q
           ON q.council_code = n.council_code AND q.kpi_code = n.kpi_code AND q.period_end = n.period_end
    GROUP BY ALL
),
target_rows AS (
    SELECT
        t.*,
        -- the financial year a quarter end falls in, as int_periods labels it
        printf('%d/%02d', year(t.period_end - INTERVAL 3 MONTH), (year(t.period_end - INTERVAL 3 MONTH) + 1) % 100)
            AS period_financial_year,
        t.period_end IS NULL OR (t.period_end = last_day(t.period_end) AND month(t.period_end) IN (3, 6, 9, 12))
            AS period_is_quarter_end,
        count(*) OVER (PARTITION BY t.council_code, t.kpi_code, t.financial_year, t.period_end) AS same_rows,
        t.kpi_code IN (SELECT kpi_code FROM staging.stg_reference__kpis) AS in_catalogue
    FROM staging.stg_reference__targets AS t
),
row_problems AS (
    SELECT
        council_code, kpi_code, financial_year,
        count(*) AS target_rows,
        string_agg(DISTINCT CASE
            WHEN NOT in_catalogue THEN 'KPI ' || kpi_code || ' is not in the KPI catalogue'
            WHEN same_rows > 1 AND period_end IS NULL THEN same_rows || ' rows for the year'
            WHEN same_rows > 1 THEN same_rows || ' rows for ' || strftime(period_end, '%Y-%m-%d')
            WHEN NOT period_is_quarter_end THEN 'period_end ' || strftime(period_end, '%Y-%m-%d') || ' is not a quarter end'
            WHEN period_end IS NOT NULL AND period_financial_year <> financial_year
                THEN 'period_end ' || strftime(period_end, '%Y-%m-%d') || ' is in ' || period_financial_year
        END, '; ') AS problems
    FROM target_rows
    GROUP BY ALL
)
SELECT
    coalesce(c.council_code, r.council_code)     AS council_code,
    coalesce(c.kpi_code, r.kpi_code)             AS kpi_code,
    coalesce(c.financial_year, r.financial_year) AS financial_year,
    coalesce(c.reported_quarters, 0)             AS reported_quarters,
    coalesce(c.quarters_with_target_row, 0)      AS quarters_with_target_row,
    coalesce(r.target_rows, 0)                   AS target_rows,
    CASE WHEN c.quarters_without_target IS NOT NULL THEN
        c.council_code || ' ' || c.kpi_code || ' ' || c.financial_year || ': no target for '
        || c.quarters_without_target || ' (reference/targets.csv has no row; the scorecard shows '
        || 'Missing target; a row with an empty target says none was set)'
    END AS missing_target_problem,
    CASE WHEN r.problems IS NOT NULL THEN
        'reference/targets.csv ' || r.council_code || ' ' || r.kpi_code || ' ' || r.financial_year
        || ': ' || r.problems
    END AS target_rows_problem
FROM covered AS c
FULL JOIN row_problems AS r
       ON r.council_code = c.council_code AND r.kpi_code = c.kpi_code AND r.financial_year = c.financial_year
