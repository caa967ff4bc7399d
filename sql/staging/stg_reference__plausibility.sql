-- How far a KPI may move from one quarter to the next before the gate warns
-- (reference/plausibility.csv). kpi_code '*' is the default for every KPI without a row of its
-- own; a KPI's own row replaces the default entirely. A blank limit is not applied.
-- max_absolute_change is in the KPI's unit (percentage points for percentages);
-- max_relative_change is a fraction of the previous quarter's value (0.5 = 50%).
SELECT
    trim(kpi_code)                                      AS kpi_code,
    CAST(blank_to_null(max_absolute_change) AS DOUBLE)  AS max_absolute_change,
    CAST(blank_to_null(max_relative_change) AS DOUBLE)  AS max_relative_change,
    note
FROM reference.plausibility
