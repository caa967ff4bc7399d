-- Every English local authority's name, by its three-digit (old) DfE LA code: what a report
-- says instead of "council 916". reference/councils.csv holds DfE's own names (the la_name of
-- its LA-level statistics, 2024-25; tests/test_councils.py checks them against DfE's file); a
-- council may edit its own row to the name it uses.
SELECT
    trim(council_code)  AS council_code,
    trim(council_name)  AS council_name,
    trim(new_la_code)   AS new_la_code
FROM reference.councils
