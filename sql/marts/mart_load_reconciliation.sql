-- Reconciliation of every load of this run, file by file (a many-council landing zone sends one
-- file per council into the same raw table): nothing may be dropped or added between the file and
-- raw. rows_in (data rows read from the file) must equal rows_loaded + rows_quarantined, the raw
-- table must hold exactly rows_loaded rows, and quarantine.rows must hold exactly rows_quarantined
-- distinct rows of the table. A raw table or quarantine edited after its load (or a loader bug)
-- shows up here. A file with more of its rows quarantined than reference/quarantine_thresholds.csv
-- allows blocks publication too: a few bad rows are set aside, a broken extract is not published
-- from. A file may have max(max_quarantined_share × rows_in, max_quarantined_rows_always_allowed)
-- rows quarantined (defaults 5% and 2 rows): the share for large files, the count so that one or
-- two bad rows do not stop a small file (1 bad row of 13 is 7.7%). quarantined_rows_allowed is that
-- limit rounded down to whole rows (for a whole number q, q > x exactly when q > floor(x)); the
-- share is an exact decimal, so 50 of 1000 at 5% is at the limit, not over it. A table's own row
-- in the CSV overrides the default row `*`, column by column. Each *_problem column is null when
-- its rule holds and otherwise says, naming the table, what does not add up; suites expect them null, so a failure message names the table.
--
-- Raw tables cannot be named dynamically in SQL, so every raw table of scorecard.ingest.sources.CONTRACTS
-- is counted explicitly below (tests/test_quality_gate.py checks the list is complete). Raw rows
-- and quarantine rows are matched to a load by file (_source_file), not by load_id: a load that
-- reused an unchanged file keeps the rows (and their _load_id) of the load that first read it.
WITH loads AS (
    SELECT l.*, 'raw.' || l.source || '__' || l.source_table AS raw_table
    FROM meta.loads AS l
    WHERE l.run_id = (SELECT run_id FROM meta.run_context)
),
raw_counts AS (
    -- raw_tables: every extract contract's raw table, filled in by scorecard/build/models.py
{% for table in raw_tables %}
    {{ "UNION ALL " if not loop.first }}SELECT '{{ table }}' AS raw_table, _source_file AS source_file, count(*) AS raw_rows
        FROM {{ table }} GROUP BY ALL
{% endfor %}
),
quarantine_counts AS (
    SELECT source, source_table, source_file, count(DISTINCT row_number) AS quarantined_rows
    FROM quarantine.rows
    GROUP BY ALL
),
-- quarantined rows of a table from a file this run did not read: no load accounts for them, so
-- they count against every load of the table
stray_quarantine AS (
    SELECT q.source, q.source_table, sum(q.quarantined_rows) AS stray_rows
    FROM quarantine_counts AS q
    ANTI JOIN loads AS l USING (source, source_table, source_file)
    GROUP BY ALL
),
counted AS (
    SELECT
        l.run_id,
        l.load_id,
        l.source,
        l.source_table,
        l.raw_table,
        l.source_file,
        l.extract_date,
        l.rows_in,
        l.rows_loaded,
        l.rows_quarantined,
        l.rows_loaded + l.rows_quarantined     AS rows_accounted_for,
        -- a file none of whose rows reached raw has no count; a table raw does not have stays null
        CASE WHEN l.raw_table IN (SELECT 'raw.' || table_name FROM information_schema.tables
                                  WHERE table_schema = 'raw')
             THEN coalesce(r.raw_rows, 0) END AS raw_rows,
        coalesce(q.quarantined_rows, 0) + coalesce(s.stray_rows, 0) AS quarantined_rows
    FROM loads AS l
    LEFT JOIN raw_counts AS r USING (raw_table, source_file)
    LEFT JOIN quarantine_counts AS q USING (source, source_table, source_file)
    LEFT JOIN stray_quarantine AS s USING (source, source_table)
),
limits AS (
    SELECT
        counted.*,
        coalesce(own.max_quarantined_share, fallback.max_quarantined_share) AS max_quarantined_share,
        coalesce(own.max_quarantined_rows_always_allowed,
                 fallback.max_quarantined_rows_always_allowed)               AS max_quarantined_rows_always_allowed
    FROM counted
    LEFT JOIN staging.stg_reference__quarantine_thresholds AS own ON own.raw_table = counted.raw_table
    LEFT JOIN staging.stg_reference__quarantine_thresholds AS fallback ON fallback.raw_table = '*'
),
-- null when the CSV gives neither limit (no default row): the gate's suite fails on it
allowed AS (
    SELECT
        limits.*,
        CAST(greatest(floor(max_quarantined_share * rows_in), max_quarantined_rows_always_allowed)
             AS BIGINT)                                                      AS quarantined_rows_allowed
    FROM limits
)
SELECT
    allowed.* EXCLUDE (max_quarantined_share, max_quarantined_rows_always_allowed, quarantined_rows_allowed),
    rows_quarantined / nullif(rows_in, 0)                         AS quarantined_share,
    max_quarantined_share,
    max_quarantined_rows_always_allowed,
    quarantined_rows_allowed,
    rows_in = rows_accounted_for                                  AS balanced,
    -- raw_rows is null for a table the count above does not know: that is no match
    coalesce(raw_rows = rows_loaded, false)                       AS raw_matches_load,
    quarantined_rows = rows_quarantined                           AS quarantine_matches_load,
    CASE WHEN rows_in <> rows_accounted_for THEN
        raw_table || ': ' || rows_in || ' rows in but ' || rows_loaded || ' loaded + '
        || rows_quarantined || ' quarantined = ' || rows_accounted_for
    END                                                           AS unbalanced_load_problem,
    CASE WHEN NOT coalesce(raw_rows = rows_loaded, false) THEN
        raw_table || ' holds ' || coalesce(CAST(raw_rows AS VARCHAR), 'no count (not a known raw table)')
        || ' rows but its load recorded ' || rows_loaded || ' loaded'
    END                                                           AS raw_table_problem,
    CASE WHEN quarantined_rows <> rows_quarantined THEN
        'quarantine.rows holds ' || quarantined_rows || ' rows of ' || raw_table
        || ' but its load recorded ' || rows_quarantined || ' quarantined'
    END                                                           AS quarantine_problem,
    CASE WHEN rows_quarantined > quarantined_rows_allowed THEN
        source_file || ': ' || rows_quarantined || ' of ' || rows_in || ' rows quarantined ('
        || round(100 * rows_quarantined / rows_in, 1) || '%), more than the '
        || quarantined_rows_allowed || ' allowed (the larger of '
        || coalesce(round(100 * max_quarantined_share, 1) || '%', 'no share') || ' of its rows and '
        || coalesce(max_quarantined_rows_always_allowed, 0) || ' rows); see the defect report'
    END                                                           AS quarantine_threshold_problem
FROM allowed
