-- Each statistical neighbour's figure behind a comparator (reference/comparator_neighbours.csv,
-- written by `scorecard comparators` from DfE's published files beside the comparators it
-- computes): published.comparator_detail. value is null where DfE suppressed the cell or the
-- neighbour has no row (value_as_published says what the file holds); those neighbours are left
-- out of the mean (used_in_mean false). The mean of the used values, rounded half-up to one
-- decimal, is what `scorecard comparators` computes; reference/comparators.csv may hold a figure
-- entered by hand instead (the seed's), which the scorecard's comparator column shows.
SELECT
    council_code,
    kpi_code,
    comparator_year,
    CAST(neighbour_rank AS INTEGER)     AS neighbour_rank,
    neighbour_code,
    CAST(blank_to_null(value) AS DOUBLE) AS value,
    value_as_published,
    CAST(used_in_mean AS BOOLEAN)       AS used_in_mean,
    source_file,
    value_column,
    row_filters,
    time_period
FROM reference.comparator_neighbours
