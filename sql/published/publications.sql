-- What was published, when, from which extracts and after which checks.
CREATE OR REPLACE VIEW published.publications AS
SELECT publication_id, council_code, period_end, published_at, kpi_rows, extracts,
       checks_run, checks_failed_warning
FROM meta.publications
