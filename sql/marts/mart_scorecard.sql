-- The scorecard: every KPI of the catalogue for every council and quarter the run computes, with
-- its value, target, status and symbol, comparator, comment, rolling 12-month figure and
-- direction of travel. `published.scorecard` is a frozen copy of this for the published quarters.
--
-- value:      percent = 100 x numerator / denominator; days_per_fte = numerator / denominator;
--             count = numerator. Rounded to the KPI's decimals; statuses use the rounded value,
--             as a reader of the report would.
-- reported:   a KPI without a model, or before its first_period_end, has no information.
-- target:     the council's target for the quarter (a targets.csv row with its period_end),
--             else for the period's financial year.
-- comparator: the latest statistical-neighbour figure whose year had ended by the period end.
-- rolling 12 months (the four quarters to the period end; each must have been computed: a
--             quarter the run has no row for, or before the KPI's first_period_end, makes the
--             rolling figure null. A computed quarter with no events (0 / 0) still counts, as
--             0 and 0: it is a quarter of the year in which nothing happened, not a gap):
--             latest_quarter basis: percent = 100 x sum(numerators) / sum(denominators),
--             days_per_fte = sum(days lost) / mean(average FTE) (a quarter with no staff adds 0
--             FTE to the mean, as it would to an average over the year), count = sum;
--             null only when the four denominators sum to 0 (nothing happened all year);
--             snapshot basis: mean of the snapshot values of the four quarters that have one
--             (DESIGN.md section 6: "the mean of the four snapshots"; a snapshot with an empty
--             cohort, 0 / 0, has no value to average, and counting it as 0 would invent a
--             figure), null when none has one; rolling_year basis: the value itself (it
--             already covers 12 months); annual, year_to_date, forecast: none.
--             A figure on DfE's annual OC3 basis (figure_basis 'dfe_oc3_annual', CL01/CL02 of a
--             council with no local care-leaver list) already covers a year: its rolling figure
--             is the figure itself.
-- figure_basis: which basis the KPI model used for this figure (fct_kpi_values): 'local_list' or
--             'dfe_oc3_annual' for CL01/CL02; 'annex_a' for a figure computed from the council's
--             Ofsted Annex A workbook because it sent no statutory source for the KPI
--             (docs/social_care_spec.md); null for the others, whose basis is the catalogue's
--             reporting_basis.
WITH spine AS (
    SELECT c.council_code, k.*, p.period_end, p.period_label, p.financial_year,
           p.previous_period_end, p.period_end_a_year_earlier
    FROM intermediate.int_councils AS c
    CROSS JOIN staging.stg_reference__kpis AS k
    CROSS JOIN intermediate.int_periods AS p
),
valued AS (
    SELECT
        s.*,
        v.numerator,
        v.denominator,
        v.figure_basis,
        v.kpi_code IS NOT NULL
            AND (s.first_period_end IS NULL OR s.period_end >= s.first_period_end) AS reported,
        CASE s.unit
            WHEN 'percent'      THEN 100 * v.numerator / nullif(v.denominator, 0)
            WHEN 'days_per_fte' THEN v.numerator / nullif(v.denominator, 0)
            WHEN 'count'        THEN v.numerator
        END AS exact_value
    FROM spine AS s
    LEFT JOIN marts.fct_kpi_values AS v
           ON v.council_code = s.council_code AND v.kpi_code = s.kpi_code AND v.period_end = s.period_end
),
with_target AS (
    SELECT
        valued.*,
        CASE WHEN reported THEN round(exact_value, decimals) END AS actual,
        CASE WHEN tq.kpi_code IS NOT NULL THEN tq.target ELSE t.target END AS target,
        cmp.comparator,
        cmp.comparator_year,
        com.comment
    FROM valued
    LEFT JOIN staging.stg_reference__targets AS t
           ON t.council_code = valued.council_code AND t.kpi_code = valued.kpi_code
          AND t.financial_year = valued.financial_year AND t.period_end IS NULL
    LEFT JOIN staging.stg_reference__targets AS tq
           ON tq.council_code = valued.council_code AND tq.kpi_code = valued.kpi_code
          AND tq.period_end = valued.period_end
    LEFT JOIN staging.stg_reference__commentary AS com
           ON com.council_code = valued.council_code AND com.kpi_code = valued.kpi_code
          AND com.period_end = valued.period_end
    LEFT JOIN LATERAL (
        SELECT c.comparator, c.comparator_year
        FROM staging.stg_reference__comparators AS c
        WHERE c.council_code = valued.council_code AND c.kpi_code = valued.kpi_code
          AND c.comparator_year_end <= valued.period_end
        ORDER BY c.comparator_year_end DESC
        LIMIT 1
    ) AS cmp ON TRUE
),
rolled AS (
    SELECT
        w.*,
        count(*) FILTER (WHERE reported) OVER four_quarters AS quarters_computed,
        -- exact decimal sums (9 decimal places, as kpi_totals): the same in any thread order
        CAST(sum(CASE WHEN reported THEN CAST(numerator AS DECIMAL(38, 9)) END)
             OVER four_quarters AS DOUBLE) AS numerator_12m,
        CAST(sum(CASE WHEN reported THEN CAST(denominator AS DECIMAL(38, 9)) END)
             OVER four_quarters AS DOUBLE) AS denominator_12m,
        CAST(sum(CASE WHEN reported THEN CAST(denominator AS DECIMAL(38, 9)) END)
             OVER four_quarters AS DOUBLE) / 4 AS mean_denominator_12m,
        CAST(sum(CASE WHEN reported THEN CAST(exact_value AS DECIMAL(38, 9)) END)
             OVER four_quarters AS DOUBLE)
            / nullif(count(CASE WHEN reported THEN exact_value END) OVER four_quarters, 0)
            AS mean_value_12m
    FROM with_target AS w
    WINDOW four_quarters AS (PARTITION BY council_code, kpi_code ORDER BY period_end
                             ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
),
rolling AS (
    SELECT
        rolled.*,
        CASE
            WHEN NOT reported THEN NULL
            WHEN reporting_basis = 'rolling_year' THEN actual
            WHEN figure_basis = 'dfe_oc3_annual' THEN actual
            WHEN quarters_computed < 4 THEN NULL
            WHEN reporting_basis = 'snapshot' THEN round(mean_value_12m, decimals)
            WHEN reporting_basis = 'latest_quarter' THEN round(CASE unit
                WHEN 'percent'      THEN 100 * numerator_12m / nullif(denominator_12m, 0)
                WHEN 'days_per_fte' THEN numerator_12m / nullif(mean_denominator_12m, 0)
                WHEN 'count'        THEN numerator_12m END, decimals)
        END AS rolling_12m
    FROM rolled
),
statused AS (
    SELECT
        rolling.*,
        CASE WHEN reported THEN kpi_status(actual, target, polarity, tolerance)
             ELSE 'no_information' END AS status,
        lag(actual, 1) OVER by_period AS previous_quarter_actual,
        lag(actual, 4) OVER by_period AS previous_year_actual,
        lag(rolling_12m, 4) OVER by_period AS rolling_12m_prev_year
    FROM rolling
    WINDOW by_period AS (PARTITION BY council_code, kpi_code ORDER BY period_end)
)
SELECT
    s.council_code,
    s.kpi_code,
    s.display_order,
    s.scorecard,
    s.service,
    s.section,
    s.title,
    s.polarity,
    s.reporting_basis,
    s.reporting_basis_label,
    s.unit,
    s.decimals,
    s.period_end,
    s.period_label,
    s.financial_year,
    s.actual,
    CASE WHEN s.reported THEN s.numerator END   AS numerator,
    CASE WHEN s.reported THEN s.denominator END AS denominator,
    s.target,
    s.tolerance,
    s.status,
    sym.symbol,
    sym.label AS status_label,
    s.comparator,
    s.comparator_year,
    s.rolling_12m,
    s.rolling_12m_prev_year,
    kpi_direction(s.actual, s.previous_quarter_actual, s.polarity, s.target) AS direction_vs_prev_quarter,
    kpi_direction(s.actual, s.previous_year_actual, s.polarity, s.target)    AS direction_vs_prev_year,
    s.comment,
    CASE WHEN s.reported THEN s.figure_basis END AS figure_basis
FROM statused AS s
JOIN staging.stg_reference__status_symbols AS sym USING (status)
