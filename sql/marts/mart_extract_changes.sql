-- What changed in the extracts since the last run that published (or found its inputs unchanged):
-- one row per file that run read, matched to this run's file for the same source, table and
-- council (the council code a load id ends in; '' for a file that carries its own codes).
-- Two ways an extract can quietly blank or thin the scorecard, both warnings (the gate names the
-- files; publication goes ahead, docs/bad_inputs.md):
-- missing_file_problem: the file was read last time and is absent now: a newer extract folder
--   that lacks an optional file makes every KPI built on it "no information". Put the file in the
--   newest folder if it was left out; if the council no longer sends it, the warning stops after
--   the next run that publishes without it. The council is named as DfE names it, with its code.
-- shrunk_file_problem: the file has fewer than half the rows it had (of at least 20 rows): a full
--   extract holds its whole history, so it should not shrink; a file cut at a line end looks
--   well formed and loads without an error.
WITH this_run AS (SELECT run_id FROM meta.run_context),
previous_run AS (
    SELECT r.run_id
    FROM meta.runs AS r, this_run AS t
    WHERE r.status IN ('published', 'unchanged') AND r.run_id <> t.run_id
      AND r.started_at < (SELECT started_at FROM meta.runs WHERE run_id = t.run_id)
    ORDER BY r.started_at DESC
    LIMIT 1
),
files AS (
    SELECT
        l.run_id,
        l.source,
        l.source_table,
        split_part(l.load_id, ':', 3) AS council_code,
        l.source_file,
        l.extract_date,
        l.sha256,
        l.rows_in
    FROM meta.loads AS l
),
previous AS (SELECT f.* FROM files AS f JOIN previous_run USING (run_id) WHERE f.sha256 IS NOT NULL),
current AS (SELECT f.* FROM files AS f JOIN this_run USING (run_id))
SELECT
    p.source,
    p.source_table,
    p.council_code,
    p.run_id                    AS previous_run_id,
    p.source_file               AS previous_file,
    p.extract_date              AS previous_extract_date,
    p.rows_in                   AS previous_rows_in,
    c.source_file,
    c.extract_date,
    c.rows_in,
    CASE WHEN c.sha256 IS NULL THEN
        p.source || '__' || p.source_table
        || CASE WHEN p.council_code <> '' THEN ' (' || coalesce(n.council_name || ', ', '')
                || 'council ' || p.council_code || ')' ELSE '' END
        || ': ' || regexp_extract(p.source_file, '[^/\\]+$') || ' was read by run ' || p.run_id
        || ' (extract ' || coalesce(strftime(p.extract_date, '%Y-%m-%d'), '?')
        || ') and is absent now'
        || coalesce(' (newest extract ' || strftime(c.extract_date, '%Y-%m-%d') || ')', '')
        || '; its KPIs show no information'
    END                         AS missing_file_problem,
    CASE WHEN c.sha256 IS NOT NULL AND p.rows_in >= 20 AND 2 * c.rows_in < p.rows_in THEN
        c.source_file || ': ' || c.rows_in || ' rows, fewer than half the ' || p.rows_in
        || ' of ' || p.source_file || ' (run ' || p.run_id || '); a full extract should not shrink'
    END                         AS shrunk_file_problem
FROM previous AS p
LEFT JOIN current AS c
       ON c.source = p.source AND c.source_table = p.source_table AND c.council_code = p.council_code
LEFT JOIN staging.stg_reference__councils AS n ON n.council_code = p.council_code
