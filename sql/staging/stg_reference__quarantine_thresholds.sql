-- How much of a file may be quarantined before the run refuses to publish from it. A row for a
-- raw table overrides the default row `*`.
SELECT raw_table, CAST(max_quarantined_share AS DOUBLE) AS max_quarantined_share, note
FROM reference.quarantine_thresholds
