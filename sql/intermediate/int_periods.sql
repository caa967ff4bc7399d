-- dim_period: one row per quarter end the run computes, from the run's period end back
-- `history_quarters` quarters (enough for the report's four previous quarters, the rolling
-- 12 months and the same figures a year earlier). UK financial year: April to March.
WITH run AS (
    SELECT period_end, history_quarters FROM meta.run_context
),
quarter_ends AS (
    SELECT CAST(last_day(CAST(run.period_end - to_months(3 * q.i) AS DATE)) AS DATE) AS period_end
    -- the subquery reads the same one-row CTE, not a second table
    FROM run, range(0, (SELECT history_quarters FROM run) + 1) AS q(i)  -- noqa: AL04
)
SELECT
    period_end,
    CAST(last_day(CAST(period_end - to_months(3) AS DATE)) + 1 AS DATE)   AS quarter_start,
    CAST(last_day(CAST(period_end - to_months(12) AS DATE)) + 1 AS DATE)  AS rolling_year_start,
    CAST(last_day(CAST(period_end - to_months(3) AS DATE)) AS DATE)       AS previous_period_end,
    CAST(last_day(CAST(period_end - to_months(12) AS DATE)) AS DATE)      AS period_end_a_year_earlier,
    CASE WHEN month(period_end) >= 4 THEN year(period_end) ELSE year(period_end) - 1 END
                                                                          AS financial_year_start,
    printf('%d/%02d',
           CASE WHEN month(period_end) >= 4 THEN year(period_end) ELSE year(period_end) - 1 END,
           (CASE WHEN month(period_end) >= 4 THEN year(period_end) ELSE year(period_end) - 1 END + 1) % 100)
                                                                          AS financial_year,
    CASE month(period_end) WHEN 6 THEN 1 WHEN 9 THEN 2 WHEN 12 THEN 3 ELSE 4 END AS financial_quarter,
    strftime(period_end, '%b-%y')                                         AS period_label,
    datediff('day', CAST(last_day(CAST(period_end - to_months(3) AS DATE)) AS DATE), period_end)
                                                                          AS days_in_quarter
FROM quarter_ends
