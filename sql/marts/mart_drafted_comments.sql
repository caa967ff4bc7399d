-- A drafted comment for every KPI of the scorecard, per council and quarter, written from the
-- figures of marts.mart_scorecard alone, so that it cannot say anything the table does not:
--
--   Drafted from the figures: 84.1%, better than last quarter (75.4%) and than a year ago (80.4%);
--   worse than target (85.0%) but within tolerance; 12 months to Jun-23: 78.6% (78.9% a year
--   earlier); statistical neighbours 82.4% (2021-22).
--
-- * Every figure is the table's own, printed at the KPI's decimals with its unit (`84.1%`,
--   `3.33 days per FTE`, counts as whole numbers).
-- * better / worse / the same are the scorecard's direction columns (polarity-aware:
--   improved, worsened, no_change), never recomputed here; last quarter's and last year's figures
--   are the actuals the directions were computed from (lag 1 and lag 4 over the same rows).
--   A previous figure with no direction (plan_is_best without a target) is only quoted.
-- * The clause about the target is the status: better_than_target ("on target" when equal),
--   worse_than_target ("but within tolerance"), significantly_worse_than_target, missing_target.
-- * Rolling 12 months: rolling_12m and rolling_12m_prev_year, when there is one ("12 months to
--   Jun-23"; for a snapshot KPI it is the mean of four quarter-end snapshots, "average of the four
--   quarters to Jun-23"); a rolling_year KPI's value is itself a 12-month figure and is labelled
--   so instead.
-- * Comparator: the statistical-neighbour figure and its year, when there is one.
-- * No value (no_value, no_information): "no figure for this quarter".
-- Every comment starts "Drafted from the figures:" so a reader never takes it for the service
-- lead's own (the `comment` column).
WITH figures AS (
    SELECT
        s.council_code,
        s.kpi_code,
        s.period_end,
        s.period_label,
        s.polarity,
        s.reporting_basis,
        s.unit,
        s.decimals,
        s.actual,
        s.target,
        s.status,
        s.comparator,
        s.comparator_year,
        s.rolling_12m,
        s.rolling_12m_prev_year,
        s.direction_vs_prev_quarter,
        s.direction_vs_prev_year,
        lag(s.actual, 1) OVER by_period AS previous_quarter_actual,
        lag(s.actual, 4) OVER by_period AS previous_year_actual,
        CASE s.unit WHEN 'percent' THEN '%' WHEN 'days_per_fte' THEN ' days per FTE' ELSE '' END
            AS unit_suffix
    FROM marts.mart_scorecard AS s
    WINDOW by_period AS (PARTITION BY s.council_code, s.kpi_code ORDER BY s.period_end)
),
formatted AS (
    SELECT
        f.*,
        printf('%.*f', decimals, round(actual, decimals)) || unit_suffix                   AS actual_text,
        printf('%.*f', decimals, round(previous_quarter_actual, decimals)) || unit_suffix  AS previous_quarter_text,
        printf('%.*f', decimals, round(previous_year_actual, decimals)) || unit_suffix     AS previous_year_text,
        printf('%.*f', decimals, round(target, decimals)) || unit_suffix                   AS target_text,
        printf('%.*f', decimals, round(rolling_12m, decimals)) || unit_suffix              AS rolling_12m_text,
        printf('%.*f', decimals, round(rolling_12m_prev_year, decimals)) || unit_suffix    AS rolling_12m_prev_year_text,
        printf('%.*f', decimals, round(comparator, decimals)) || unit_suffix               AS comparator_text,
        CASE direction_vs_prev_quarter WHEN 'improved' THEN 'better than'
             WHEN 'worsened' THEN 'worse than' WHEN 'no_change' THEN 'the same as'
             ELSE 'compared with' END                                                     AS quarter_word,
        CASE direction_vs_prev_year WHEN 'improved' THEN 'better than'
             WHEN 'worsened' THEN 'worse than' WHEN 'no_change' THEN 'the same as'
             ELSE 'compared with' END                                                     AS year_word
    FROM figures AS f
),
clauses AS (
    SELECT
        formatted.*,
        CASE
            WHEN previous_quarter_actual IS NOT NULL AND previous_year_actual IS NOT NULL THEN
                ', ' || quarter_word || ' last quarter (' || previous_quarter_text || ')'
                || CASE
                       WHEN quarter_word = year_word AND quarter_word = 'the same as'
                           THEN ' and as a year ago'
                       WHEN quarter_word = year_word AND quarter_word = 'compared with'
                           THEN ' and with a year ago'
                       WHEN quarter_word = year_word THEN ' and than a year ago'
                       WHEN quarter_word IN ('better than', 'worse than')
                        AND year_word IN ('better than', 'worse than')
                           THEN ' but ' || year_word || ' a year ago'
                       ELSE ' and ' || year_word || ' a year ago'
                   END
                || ' (' || previous_year_text || ')'
            WHEN previous_quarter_actual IS NOT NULL THEN
                ', ' || quarter_word || ' last quarter (' || previous_quarter_text || ')'
            WHEN previous_year_actual IS NOT NULL THEN
                ', ' || year_word || ' a year ago (' || previous_year_text || ')'
            ELSE ''
        END                                                                               AS change_clause,
        CASE status
            WHEN 'better_than_target' THEN
                CASE WHEN CAST(actual AS DECIMAL(18, 6)) = CAST(target AS DECIMAL(18, 6))
                     THEN 'on target (' || target_text || ')'
                     ELSE 'better than target (' || target_text || ')' END
            WHEN 'worse_than_target' THEN
                'worse than target (' || target_text || ') but within tolerance'
            WHEN 'significantly_worse_than_target' THEN
                'significantly worse than target (' || target_text || '), beyond tolerance'
            WHEN 'missing_target' THEN 'no target set'
        END                                                                               AS target_clause,
        CASE
            WHEN reporting_basis = 'rolling_year' OR rolling_12m IS NULL THEN ''
            ELSE CASE WHEN reporting_basis = 'snapshot' THEN '; average of the four quarters to '
                      ELSE '; 12 months to ' END
                 || period_label || ': ' || rolling_12m_text
                 || coalesce(' (' || rolling_12m_prev_year_text || ' a year earlier)', '')
        END                                                                               AS rolling_clause,
        CASE WHEN comparator IS NULL THEN ''
             ELSE '; statistical neighbours ' || comparator_text
                  || coalesce(' (' || comparator_year || ')', '')
        END                                                                               AS comparator_clause
    FROM formatted
)
SELECT
    council_code,
    kpi_code,
    period_end,
    period_label,
    CASE
        WHEN actual IS NULL THEN 'Drafted from the figures: no figure for this quarter.'
        ELSE 'Drafted from the figures: ' || actual_text
             || CASE WHEN reporting_basis = 'rolling_year'
                     THEN ' in the 12 months to ' || period_label ELSE '' END
             || change_clause
             || coalesce('; ' || target_clause, '')
             || rolling_clause
             || comparator_clause
             || '.'
    END AS drafted_comment
FROM clauses
