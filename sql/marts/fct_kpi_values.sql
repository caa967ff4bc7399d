-- Every KPI model's numerator and denominator, one row per council, KPI and period end.
-- A KPI joins the scorecard by its row in the catalogue (reference/kpis.csv, or an extra KPI
-- folder's kpis.csv: docs/adding_a_kpi.md): kpi_models is each catalogue KPI's model
-- kpis.kpi_<code>_<slug>, in the report's order, filled in by scorecard/build/models.py; the SQL as
-- run is in meta.model_sql.
{% for model in kpi_models %}
{{ "UNION ALL BY NAME " if not loop.first }}SELECT * FROM {{ model }}
{% endfor %}
