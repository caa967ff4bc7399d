-- Targets are set per council per financial year ('2023/24') and apply to all its quarters.
SELECT
    council_code,
    kpi_code,
    financial_year,
    CAST(target AS DOUBLE) AS target,
    source
FROM reference.targets
