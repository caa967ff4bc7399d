-- The quarters this run would publish, per council, and whether there is anything to publish.
-- A period end before a council's data begins (or a landing zone that holds nothing for it)
-- computes a quarter of "no information", "no value" and zero-count rows; published, it would be
-- frozen as the council's figures for good. A KPI has data when its numerator or denominator is
-- not zero (a count of 0 is a value, but says nothing was recorded). empty_quarter_problem names
-- the council and the quarter when not one KPI has data, and the gate refuses
-- (docs/bad_inputs.md). The council is named as DfE names it (stg_reference__councils), with
-- its code.
WITH run AS (
    SELECT r.run_id, r.publish_from, r.period_end
    FROM meta.runs AS r
    JOIN meta.run_context AS c USING (run_id)
),
quarters AS (
    SELECT
        s.council_code,
        s.period_end,
        count(*)                                 AS kpis,
        count(*) FILTER (WHERE coalesce(s.numerator, 0) <> 0 OR coalesce(s.denominator, 0) <> 0)
                                                 AS kpis_with_data,
        count(*) FILTER (WHERE s.status = 'no_information') AS kpis_without_information
    FROM marts.mart_scorecard AS s, run
    WHERE s.period_end BETWEEN run.publish_from AND run.period_end
    GROUP BY ALL
)
SELECT
    q.council_code,
    period_end,
    kpis,
    kpis_with_data,
    kpis_without_information,
    CASE WHEN kpis_with_data = 0 THEN
        coalesce(n.council_name || ' (council ' || q.council_code || ')', 'council ' || q.council_code)
        || ', ' || strftime(period_end, '%Y-%m-%d') || ': no KPI has '
        || 'any record (' || kpis_without_information || ' of ' || kpis || ' have no information, '
        || 'the rest count nothing); the extracts hold nothing for this quarter, which would be '
        || 'published empty and frozen: is the period end right?'
    END AS empty_quarter_problem
FROM quarters AS q
LEFT JOIN staging.stg_reference__councils AS n ON n.council_code = q.council_code
