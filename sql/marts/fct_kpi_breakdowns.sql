-- Figures the commentary quotes beside a KPI's headline: the care-leaver measures for all
-- care-experienced age groups (17-21) and for the youngest group (17-18), on the same rules as
-- CL01 and CL02 (latest contact by the period end; died and returned home excluded).
WITH groups AS (
    SELECT * FROM (VALUES ('ages_17_to_21', 17, 21), ('ages_17_to_18', 17, 18))
        AS g(breakdown, youngest, oldest)
),
measures AS (
    SELECT * FROM (VALUES ('CL01', 'suitable accommodation'),
                          ('CL02', 'education, employment or training')) AS m(kpi_code, measure)
)
SELECT
    c.council_code,
    m.kpi_code,
    c.period_end,
    g.breakdown,
    m.measure,
    CAST(count(*) FILTER (WHERE CASE m.kpi_code WHEN 'CL01' THEN c.suitably_accommodated
                                                ELSE c.in_education_employment_training END)
         AS DOUBLE)                                   AS numerator,
    CAST(count(*) AS DOUBLE)                          AS denominator,
    round(100 * count(*) FILTER (WHERE CASE m.kpi_code WHEN 'CL01' THEN c.suitably_accommodated
                                                       ELSE c.in_education_employment_training END)
          / count(*), 1)                              AS value
FROM intermediate.int_social_care__care_leavers_at_period_end AS c
CROSS JOIN measures AS m
JOIN groups AS g ON c.age_at_period_end BETWEEN g.youngest AND g.oldest
WHERE NOT c.excluded_from_cohort
GROUP BY ALL
