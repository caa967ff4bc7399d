-- Quarter-on-quarter movement of every KPI, judged against reference/plausibility.csv: a KPI that
-- moves by more than it plausibly can is more often a broken extract than a real change, so the
-- gate warns (it does not block: a real change must still be published, and explained).
--
-- A movement is implausible when it exceeds every limit set for the KPI: more than
-- max_absolute_change (in the KPI's unit; percentage points for percentages) AND more than
-- max_relative_change x |previous actual|. A blank limit is not applied; with both blank the KPI is
-- never flagged. A KPI's own row replaces the '*' default row. From a previous value of 0 any
-- change is an infinite relative change (relative_change null), so only the absolute limit decides.
-- Only the quarters this run publishes (meta.runs publish_from to the period end) are judged:
-- earlier quarters were judged when they were published.
WITH run AS (
    SELECT c.period_end AS run_period_end, coalesce(r.publish_from, c.period_end) AS publish_from
    FROM meta.run_context AS c
    LEFT JOIN meta.runs AS r USING (run_id)
),
movements AS (
    SELECT
        s.council_code,
        s.kpi_code,
        s.unit,
        s.period_end,
        s.period_label,
        s.actual,
        p.previous_period_end,
        prev.actual                                           AS previous_actual,
        s.actual - prev.actual                                AS absolute_change,
        (s.actual - prev.actual) / nullif(abs(prev.actual), 0) AS relative_change,
        coalesce(own.max_absolute_change, dflt.max_absolute_change) AS max_absolute_change,
        coalesce(own.max_relative_change, dflt.max_relative_change) AS max_relative_change,
        coalesce(own.kpi_code, '*') AS threshold_from,
        s.period_end BETWEEN run.publish_from AND run.run_period_end AS published_by_run
    FROM marts.mart_scorecard AS s
    CROSS JOIN run
    JOIN intermediate.int_periods AS p USING (period_end)
    LEFT JOIN marts.mart_scorecard AS prev
           ON prev.council_code = s.council_code AND prev.kpi_code = s.kpi_code
          AND prev.period_end = p.previous_period_end
    LEFT JOIN staging.stg_reference__plausibility AS own ON own.kpi_code = s.kpi_code
    LEFT JOIN staging.stg_reference__plausibility AS dflt ON dflt.kpi_code = '*' AND own.kpi_code IS NULL
),
judged AS (
    SELECT
        movements.*,
        absolute_change IS NOT NULL
            AND (max_absolute_change IS NOT NULL OR max_relative_change IS NOT NULL)
            AND (max_absolute_change IS NULL OR abs(absolute_change) > max_absolute_change)
            AND (max_relative_change IS NULL OR previous_actual = 0
                 OR abs(relative_change) > max_relative_change) AS exceeds_limits
    FROM movements
)
SELECT
    council_code,
    kpi_code,
    unit,
    period_end,
    previous_period_end,
    actual,
    previous_actual,
    absolute_change,
    relative_change,
    max_absolute_change,
    max_relative_change,
    threshold_from,
    published_by_run,
    published_by_run AND exceeds_limits AS implausible_movement,
    CASE WHEN published_by_run AND exceeds_limits THEN
        council_code || ' ' || kpi_code || ' ' || period_label || ': ' || previous_actual || ' -> '
        || actual || ' (' || CASE WHEN absolute_change > 0 THEN '+' ELSE '' END || round(absolute_change, 4)
        || coalesce(', ' || CASE WHEN relative_change > 0 THEN '+' ELSE '' END
                    || CAST(round(100 * relative_change) AS BIGINT) || '%', ', from 0')
        || '); limits ' || coalesce(CAST(max_absolute_change AS VARCHAR), '-') || ' and '
        || coalesce(CAST(round(100 * max_relative_change) AS BIGINT) || '%', '-') || ' (plausibility.csv row '
        || threshold_from || ')'
    END AS implausible_movement_problem
FROM judged
