-- Targets are set per council per financial year ('2023/24') and apply to all its quarters. A row
-- with a period_end (a quarter end of that financial year) sets the target of that quarter alone,
-- over the year's: a target profiled by quarter (docs/adding_a_kpi.md). A row with no target
-- records that none was set, so the gate does not ask for one (marts.mart_target_coverage).
SELECT
    council_code,
    kpi_code,
    financial_year,
    CAST(blank_to_null(period_end) AS DATE) AS period_end,
    CAST(blank_to_null(target) AS DOUBLE)   AS target,
    source
FROM reference.targets
