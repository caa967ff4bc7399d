-- Annex A list 9 care leavers at the one quarter end their status describes. List 9 has no contact
-- date: each row is the young person's status when the workbook was produced, so it stands for the
-- latest quarter end on or before the workbook's extract date, within three months of it (a
-- workbook produced on 7 July describes 30 June); other quarter ends get nothing from it. Age is
-- taken at that quarter end. Cohort rules as LAIT 112/113 and the local list: former relevant
-- children (a blank category is taken as former relevant, the category DfE's measures count);
-- died or returned home (RHOM) leave both measures; gone abroad, deported or residence not known
-- (accommodation G, H, R) leave the accommodation measure only.
SELECT
    c.council_code,
    p.period_end,
    c.child_key,
    age_on(c.birth_date, p.period_end)                       AS age_at_period_end,
    c.in_touch,
    c.accommodation,
    coalesce(c.suitably_accommodated, false)                 AS suitably_accommodated,
    c.in_education_employment_training,
    c.in_touch IN ('DIED', 'RHOM')                           AS excluded_from_cohort,
    c.in_touch IN ('DIED', 'RHOM') OR c.residence_unknown_or_abroad
                                                             AS excluded_from_accommodation_cohort,
    l.extract_date
FROM staging.stg_social_care__annex_a_list9_care_leavers AS c
JOIN meta.loads AS l ON l.load_id = c._load_id
JOIN intermediate.int_periods AS p
  ON p.period_end <= l.extract_date AND p.period_end > l.extract_date - INTERVAL 3 MONTH
WHERE coalesce(c.eligibility, 'FORMER_RELEVANT') = 'FORMER_RELEVANT'
