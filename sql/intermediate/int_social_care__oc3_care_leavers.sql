-- The OC3 care leavers of DfE's annual CL measures (LAIT 112, 113), one row per young person and
-- quarter end that shows the OC3 figure (int_social_care__oc3_collection_years):
-- * cohort: former relevant young people (the OC3 holds no one else) whose 19th, 20th or 21st
--   birthday falls in the collection year (1 April - 31 March), i.e. aged 19, 20 or 21 on its
--   31 March (birthday_age);
-- * excluded_from_cohort: IN_TOUCH DIED or RHOM (both measures);
-- * excluded_from_accommodation_cohort: also ACCOM G, H or R (gone abroad, deported, residence
--   not known: suitability not known), CL01 only (LAIT 112; LAIT 113 has no such exclusion);
-- * IN_TOUCH NO, REFU and NREQ stay in and count as not suitable / not EET; ACTIV/ACCOM `0` is
--   never suitable, never EET. IN_TOUCH/ACTIV/ACCOM are as the OC3 records them around the
--   birthday; a young person with no date of birth has no birthday and is left out.
SELECT
    o.council_code,
    o.child_key,
    y.period_end,
    y.collection_year_start,
    y.collection_year_end,
    age_on(o.dob, y.collection_year_end)                 AS birthday_age,
    o.in_touch,
    o.activity,
    o.accommodation,
    o.in_touch IN ('DIED', 'RHOM')                       AS excluded_from_cohort,
    o.in_touch IN ('DIED', 'RHOM') OR o.residence_unknown_or_abroad
                                                         AS excluded_from_accommodation_cohort,
    o.suitably_accommodated,
    o.in_education_employment_training
FROM staging.stg_social_care__oc3 AS o
JOIN intermediate.int_social_care__oc3_collection_years AS y USING (council_code)
WHERE age_on(o.dob, y.collection_year_end) BETWEEN 19 AND 21
