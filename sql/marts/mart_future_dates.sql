-- Dates after the extract date of their load are impossible for events (a contact, a referral,
-- an absence that started, a birth): the file was written before they could happen, so such a date
-- is a keying or export error and would put a record in a quarter that has not yet ended. One row
-- per date column checked, counting the dates after the extract date (meta.loads.extract_date of
-- the load each row came from, joined by its _load_id).
--
-- date_kind 'event': must not be in the future; the suite blocks publication (error).
-- date_kind 'scheduled': may legitimately be ahead of the extract (a leaving date agreed while the
-- employee works their notice, a starter not yet started, an expected end of an absence); the
-- suite only warns. Dates that are targets or due dates (appraisals due_date, audit
-- agreed/revised target dates, initial_cpc_target) are expected in the future and not listed.
-- future_dates_problem names the table, the column (staging and raw) and the latest bad date, so
-- the gate's message says where to look; it is null when no date is after the extract date.
-- The loader already quarantines a row whose contract marks the column `event=True`; this is the
-- gate's second line, for whatever reaches staging anyway (a column not marked, raw edited later).
-- date_columns: each date column of the extract contracts (scorecard/ingest/sources) whose date_kind is
-- event or scheduled, with its staging name, filled in by scorecard/build/models.py from the contracts
-- (the SQL as run is in meta.model_sql). tests/test_quality_gate.py checks every date column of
-- staging is listed here or is a target.
WITH checked AS (
{% for d in date_columns %}
    {{ "UNION ALL " if not loop.first }}SELECT '{{ d.relation }}' AS table_name, '{{ d.column }}' AS column_name,
        '{{ d.raw_column }}' AS raw_column, '{{ d.kind }}' AS date_kind, count({{ d.column }}) AS dates_checked,
        count(*) FILTER (WHERE {{ d.column }} > extract_date) AS dates_after_extract,
        max({{ d.column }}) AS latest_date, max(extract_date) AS extract_date
        FROM {{ d.relation }} LEFT JOIN meta.loads ON load_id = _load_id
{% endfor %}
)
SELECT
    table_name,
    column_name,
    regexp_replace(table_name, '^staging[.]stg_', 'raw.') AS raw_table,
    raw_column,
    date_kind,
    dates_checked,
    dates_after_extract,
    latest_date,
    extract_date,
    CASE WHEN dates_after_extract > 0 THEN
        table_name || '.' || column_name || ' (' || regexp_replace(table_name, '^staging[.]stg_', 'raw.') || '.'
        || raw_column || '): ' || dates_after_extract || ' of ' || dates_checked
        || ' dates after the extract date ' || strftime(extract_date, '%Y-%m-%d')
        || ', latest ' || strftime(latest_date, '%Y-%m-%d')
    END AS future_dates_problem
FROM checked
