-- The KPI catalogue (reference/kpis.csv), typed. One row per KPI code of the seed report.
-- first_period_end: the first quarter a KPI is reported for (a measure introduced mid-series);
-- earlier quarters show "No information" rather than a figure nobody published.
SELECT
    kpi_code,
    CAST(display_order AS INTEGER)      AS display_order,
    scorecard,
    service,
    section,
    title,
    polarity,
    reporting_basis,
    reporting_basis_label,
    unit,
    CAST(decimals AS INTEGER)           AS decimals,
    CAST(tolerance AS DOUBLE)           AS tolerance,
    CAST(blank_to_null(first_period_end) AS DATE) AS first_period_end
FROM reference.kpis
