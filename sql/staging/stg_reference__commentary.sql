-- Service leads' comments, one per KPI per quarter.
SELECT
    council_code,
    kpi_code,
    CAST(period_end AS DATE) AS period_end,
    comment,
    author
FROM reference.commentary
