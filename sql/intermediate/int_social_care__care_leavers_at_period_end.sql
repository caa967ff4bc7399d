-- Each care leaver's position at each period end: their latest keeping-in-touch contact on or
-- before it, and their age that day. The CL KPIs take the 19-21 cohort from here; the commentary
-- breakdowns take 17-21 and 17-18.
-- Young people who died or returned home to their parents (RHOM) leave the cohort, as in DfE's
-- care leaver statistics; those not in touch or refusing contact stay in it and count as not
-- suitably accommodated and not in education, employment or training.
WITH latest AS (
    SELECT
        p.period_end,
        c.*,
        row_number() OVER (PARTITION BY c.council_code, c.child_key, p.period_end
                           ORDER BY c.contact_date DESC) AS recency
    FROM staging.stg_social_care__care_leavers AS c
    JOIN intermediate.int_periods AS p ON c.contact_date <= p.period_end
)
SELECT
    council_code,
    child_key,
    period_end,
    contact_date                                   AS latest_contact_date,
    age_on(birth_date, period_end)                 AS age_at_period_end,
    in_touch,
    activity,
    accommodation,
    in_touch IN ('DIED', 'RHOM')                   AS excluded_from_cohort,
    coalesce(suitably_accommodated, false)         AS suitably_accommodated,
    in_education_employment_training
FROM latest
WHERE recency = 1
