-- The KPI catalogue as analysts read it (published.kpi_catalogue): every KPI of
-- reference/kpis.csv with its definition, numerator and denominator in words, the DfE/LAIT
-- measure it follows ("none (local)" where DfE publishes none) and the source tables it is
-- computed from (docs/contracts.md). The words are short summaries of each KPI's header in
-- sql/kpis/, which holds the full rule and every departure from DfE.
SELECT
    kpi_code,
    CAST(display_order AS INTEGER)      AS display_order,
    scorecard,
    service,
    section,
    title,
    definition,
    numerator_words,
    denominator_words,
    polarity,
    reporting_basis,
    reporting_basis_label,
    unit,
    CAST(decimals AS INTEGER)           AS decimals,
    CAST(tolerance AS DOUBLE)           AS tolerance,
    CAST(blank_to_null(first_period_end) AS DATE) AS first_period_end,
    dfe_measure,
    source_tables
FROM reference.kpis
