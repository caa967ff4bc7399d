-- QA02 drill-through: each child with a social worker allocated at the period end, and how many
-- different workers were allocated to them over the six months to it.
WITH open_at_period_end AS (
    SELECT DISTINCT a.council_code, a.child_key, p.period_end
    FROM staging.stg_social_care__allocations AS a
    JOIN intermediate.int_periods AS p
      ON a.start_date <= p.period_end AND (a.end_date IS NULL OR a.end_date >= p.period_end)
),
workers AS (
    SELECT o.council_code, o.child_key, o.period_end, count(DISTINCT a.worker_key) AS workers_in_six_months
    FROM open_at_period_end AS o
    JOIN staging.stg_social_care__allocations AS a
      ON a.council_code = o.council_code AND a.child_key = o.child_key
     AND a.start_date <= o.period_end
     AND (a.end_date IS NULL OR a.end_date > o.period_end - INTERVAL 6 MONTH)
    GROUP BY ALL
)
SELECT
    council_code,
    'QA02'                                                 AS kpi_code,
    period_end,
    child_key                                              AS subject_key,
    workers_in_six_months,
    CASE WHEN workers_in_six_months <= 2 THEN 1 ELSE 0 END AS numerator_value,
    1                                                      AS denominator_value
FROM workers
