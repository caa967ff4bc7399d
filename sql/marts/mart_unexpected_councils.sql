-- Councils whose rows arrived in a file although no extract folder of this run is for them.
-- In a landing zone whose extract folders say which council they hold (extract.json), a council
-- code found only in the rows of files that carry their own codes (HR, audit, local lists) is
-- most likely another council's rows sent by mistake: they load (the file's own extract.json
-- would have quarantined them), and would make a scorecard of their own that nobody asked for.
-- A warning names the council and the tables; a landing zone without extract.json says nothing.
WITH named AS (
    SELECT DISTINCT split_part(load_id, ':', 3) AS council_code
    FROM meta.loads
    WHERE run_id = (SELECT run_id FROM meta.run_context) AND split_part(load_id, ':', 3) <> ''
),
present AS (
    SELECT council_code, string_agg(DISTINCT source_table, ', ' ORDER BY source_table) AS tables
    FROM intermediate.int_council_sources
    GROUP BY council_code
)
SELECT
    p.council_code,
    p.tables,
    CASE WHEN p.council_code NOT IN (SELECT council_code FROM named) THEN
        'council ' || p.council_code || ' has rows in ' || p.tables || ', but no extract folder of '
        || 'this run is for it (extract.json names ' || (SELECT string_agg(council_code, ', '
        ORDER BY council_code) FROM named) || '): another council''s rows sent by mistake?'
    END AS unexpected_council_problem
FROM present AS p
WHERE EXISTS (SELECT 1 FROM named)
