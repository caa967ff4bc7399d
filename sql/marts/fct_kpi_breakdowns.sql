-- Figures the commentary quotes beside a KPI's headline: the care-leaver measures for all
-- care-experienced age groups (17-21) and for the youngest group (17-18), on the same rules as
-- CL01 and CL02 (latest contact by the period end; died and returned home excluded, and for CL01
-- those gone abroad, deported or whose residence is not known, ACCOM G/H/R).
-- Arm 'dfe_oc3_annual': for a council that sent both the local care-leaver list (its headline
-- CL01/CL02) and the 903 OC3, DfE's annual OC3-basis figure (LAIT 112/113: the 19-21 year olds
-- whose birthday fell in the collection year) at the quarter ends that show it
-- (int_social_care__oc3_collection_years); left out when its cohort is empty.
-- Last arm, HP01 on Working Together's statutory clock (from the referral), beside the published
-- figure that follows DfE's clock (from the assessment's start).
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
WHERE CASE m.kpi_code WHEN 'CL01' THEN NOT c.excluded_from_accommodation_cohort
                      ELSE NOT c.excluded_from_cohort END
GROUP BY ALL
UNION ALL BY NAME
SELECT
    o.council_code,
    m.kpi_code,
    o.period_end,
    'dfe_oc3_annual'                                  AS breakdown,
    m.measure,
    CAST(count(*) FILTER (WHERE CASE m.kpi_code WHEN 'CL01' THEN o.suitably_accommodated
                                                ELSE o.in_education_employment_training END)
         AS DOUBLE)                                   AS numerator,
    CAST(count(*) AS DOUBLE)                          AS denominator,
    round(100 * count(*) FILTER (WHERE CASE m.kpi_code WHEN 'CL01' THEN o.suitably_accommodated
                                                       ELSE o.in_education_employment_training END)
          / count(*), 1)                              AS value
FROM intermediate.int_social_care__oc3_care_leavers AS o
CROSS JOIN (VALUES ('CL01', 'suitable accommodation'),
                   ('CL02', 'education, employment or training')) AS m(kpi_code, measure)
WHERE CASE m.kpi_code WHEN 'CL01' THEN NOT o.excluded_from_accommodation_cohort
                      ELSE NOT o.excluded_from_cohort END
  AND o.council_code IN (SELECT council_code FROM intermediate.int_council_sources
                         WHERE source_table = 'social_care__care_leavers')
GROUP BY ALL

-- HP01 on the statutory clock (breakdown `from_referral`): the same assessments as HP01's
-- denominator (CIN census assessments authorised in the quarter), counted in time when
-- authorised within 45 working days of the CIN referral date they belong to (Working Together
-- to Safeguard Children: "within 45 working days from the point of referral"). The referral
-- day is day 0; authorised on the 45th working day after it is in time. HP01 itself counts
-- from AssessmentActualStartDate, as DfE's published duration table (CIN census, table C2;
-- LAIT 304) does. An assessment whose referral is not in the census cannot be timed from it
-- and is left out of this breakdown. Rows only for quarters with assessments authorised.
UNION ALL BY NAME
SELECT
    a.council_code,
    'HP01'                                                        AS kpi_code,
    p.period_end,
    'from_referral'                                               AS breakdown,
    'assessments authorised within 45 working days of the CIN referral date' AS measure,
    CAST(count(*) FILTER (WHERE done.working_day_number - referred.working_day_number <= 45)
         AS DOUBLE)                                               AS numerator,
    CAST(count(*) AS DOUBLE)                                      AS denominator,
    round(100 * count(*) FILTER (WHERE done.working_day_number - referred.working_day_number <= 45)
          / count(*), 1)                                          AS value
FROM staging.stg_social_care__cin_assessments AS a
JOIN staging.stg_social_care__cin_referrals AS r
  ON r.council_code = a.council_code AND r.child_key = a.child_key
 AND r.referral_number = a.referral_number
JOIN intermediate.int_periods AS p ON a.authorised_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS referred ON referred.calendar_date = r.referral_date
JOIN intermediate.int_calendar_days AS done ON done.calendar_date = a.authorised_date
GROUP BY ALL
