-- Each care leaver's position at each period end from the local care_leavers list: their latest
-- keeping-in-touch contact on or before it, and their age that day. The CL KPIs take the 19-21
-- cohort from here; the commentary breakdowns take 17-21 and 17-18.
-- As LAIT 112/113 (DfE's care leaver measures) say:
-- * young people who died or returned home to live with their parents (RHOM) leave the cohort of
--   both measures (excluded_from_cohort);
-- * those gone abroad, deported or whose residence is not known (latest ACCOM G, H or R) leave
--   the suitable-accommodation cohort (CL01) only, "as the suitability will not usually be
--   known" (excluded_from_accommodation_cohort); LAIT 113 (EET) has no such exclusion;
-- * those not in touch (NO), refusing contact (REFU) or no longer requiring services (NREQ) stay
--   in both and count as not suitably accommodated and not in education, employment or training.
-- ACTIV/ACCOM `0` (not applicable) is never suitable and never EET.
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
    in_touch IN ('DIED', 'RHOM') OR residence_unknown_or_abroad
                                                   AS excluded_from_accommodation_cohort,
    coalesce(suitably_accommodated, false)         AS suitably_accommodated,
    in_education_employment_training
FROM latest
WHERE recency = 1
