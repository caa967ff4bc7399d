-- GM07 drill-through: each children's audit recommendation open at the period end, its target
-- date as it stood then, and whether it was beyond it.
WITH open_at_period_end AS (
    SELECT
        r.council_code,
        p.period_end,
        r.rec_ref,
        r.priority,
        CASE WHEN r.revised_target_date IS NOT NULL AND r.date_revised <= p.period_end
             THEN r.revised_target_date ELSE r.agreed_target_date END AS effective_target_date
    FROM staging.stg_audit__recommendations AS r
    JOIN intermediate.int_periods AS p
      ON r.raised_date <= p.period_end
     AND (r.date_closed IS NULL OR r.date_closed > p.period_end)
    WHERE r.directorate = 'CYP'
)
SELECT
    council_code,
    'GM07'                  AS kpi_code,
    period_end,
    rec_ref                 AS subject_key,
    priority,
    effective_target_date,
    CASE WHEN effective_target_date < period_end THEN 1 ELSE 0 END AS numerator_value,
    1                       AS denominator_value
FROM open_at_period_end
