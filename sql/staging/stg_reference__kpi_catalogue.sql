-- The KPI catalogue as analysts read it (published.kpi_catalogue): every KPI of
-- reference/kpis.csv with its definition, numerator and denominator in words, the DfE/LAIT
-- measure it follows ("none (local)" where DfE publishes none) and the source tables it is
-- computed from (docs/contracts.md). The words are short summaries of each KPI's header in
-- sql/kpis/, which holds the full rule and every departure from DfE.
-- Typed once, in stg_reference__kpis; the words come from the same CSV rows.
SELECT
    k.kpi_code,
    k.display_order,
    k.scorecard,
    k.service,
    k.section,
    k.title,
    r.definition,
    r.numerator_words,
    r.denominator_words,
    k.polarity,
    k.reporting_basis,
    k.reporting_basis_label,
    k.unit,
    k.decimals,
    k.tolerance,
    k.first_period_end,
    r.dfe_measure,
    r.source_tables
FROM staging.stg_reference__kpis AS k
JOIN reference.kpis AS r USING (kpi_code)
