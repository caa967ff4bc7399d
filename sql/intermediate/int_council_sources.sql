-- Which council sent which extract table: a KPI is computed for a council only if the council
-- sent the table the KPI stands on (kpi_totals' sent_table), so a source a council does not
-- send shows as "no information", never as a zero. Councils are known from their records.
-- source_tables: every extract contract (scorecard/ingest/sources) that has a staging model, filled in
-- by scorecard/build/models.py; the SQL as run is in meta.model_sql.
{% for table in source_tables %}
{{ "UNION ALL " if not loop.first }}SELECT DISTINCT council_code, '{{ table.name }}' AS source_table FROM {{ table.relation }}
{% endfor %}
