-- The records behind every figure, for drill-through. subject_key is a pseudonym for people
-- (children, employees) or a business reference for things (audit recommendations, RIDDOR
-- reports). Extra columns of each detail model stay in its own table in `kpis`.
-- kpi_detail_models: the _detail model of each catalogue KPI, in the report's order (filled in
-- by scorecard/build/models.py; the SQL as run is in meta.model_sql).
{% for model in kpi_detail_models %}
{{ "UNION ALL " if not loop.first }}SELECT council_code, kpi_code, period_end, subject_key, numerator_value, denominator_value
    FROM {{ model }}
{% endfor %}
