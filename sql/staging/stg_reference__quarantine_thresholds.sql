-- How much of a file may be quarantined before the run refuses to publish from it: a file breaches
-- when its quarantined rows are more than max(max_quarantined_share × rows in,
-- max_quarantined_rows_always_allowed). The share is for large files; the count keeps one or two
-- bad rows from stopping a small file (1 of 13 rows is 7.7%). A row for a raw table overrides the
-- default row `*`, column by column: a column it leaves blank falls back to the default's.
-- The share is an exact decimal so that share × rows is exact at the boundary (5% of 1000 = 50).
SELECT
    raw_table,
    CAST(blank_to_null(max_quarantined_share) AS DECIMAL(9, 6))         AS max_quarantined_share,
    CAST(blank_to_null(max_quarantined_rows_always_allowed) AS INTEGER) AS max_quarantined_rows_always_allowed,
    note
FROM reference.quarantine_thresholds
