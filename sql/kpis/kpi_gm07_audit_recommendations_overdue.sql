-- GM07 Audit recommendations outstanding beyond target date - Children's.
-- Latest quarter (position at the period end); smaller is better; a count.
-- numerator:   recommendations to the Children & Young People directorate raised on or before the
--              period end, not closed by it (implemented, superseded or risk accepted after it,
--              or still open), whose target date had passed by the period end. The target date
--              is the revised one if the revision was agreed on or before the period end,
--              otherwise the originally agreed one: a later revision does not rewrite history.
-- denominator: none (the drill-through lists every open recommendation).
-- sources:     audit recommendations (directorate, raised_date, agreed_target_date,
--              revised_target_date, date_revised, date_closed).
SELECT
    c.council_code,
    'GM07'                                   AS kpi_code,
    p.period_end,
    coalesce(sum(d.numerator_value), 0)      AS numerator,
    NULL::DOUBLE                             AS denominator
FROM intermediate.int_periods AS p
CROSS JOIN intermediate.int_councils AS c
LEFT JOIN kpis.kpi_gm07_audit_recommendations_overdue_detail AS d
       ON d.council_code = c.council_code AND d.period_end = p.period_end
GROUP BY ALL
