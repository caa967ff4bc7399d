-- Statistical-neighbour comparators. comparator_year is DfE's reporting year ('2021-22' = year
-- ending 31 March 2022); the year's end date says from when the figure could be quoted.
SELECT
    council_code,
    kpi_code,
    comparator_year,
    make_date(CAST(right(comparator_year, 2) AS INTEGER) + 2000, 3, 31) AS comparator_year_end,
    CAST(comparator AS DOUBLE) AS comparator,
    source
FROM reference.comparators
