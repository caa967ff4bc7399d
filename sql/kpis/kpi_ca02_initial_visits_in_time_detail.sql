-- CA02 drill-through: each referral in the quarter needing an initial visit, and the working
-- days it took to see the child.
SELECT
    v.council_code,
    'CA02'                                          AS kpi_code,
    p.period_end,
    v.child_key                                     AS subject_key,
    v.referral_id,
    v.referral_date,
    v.visit_date,
    seen.working_day_number - referred.working_day_number AS working_days_to_visit,
    CASE WHEN seen.working_day_number - referred.working_day_number <= 3 THEN 1 ELSE 0 END
                                                    AS numerator_value,
    1                                               AS denominator_value
FROM staging.stg_social_care__initial_visits AS v
JOIN intermediate.int_periods AS p ON v.referral_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS referred ON referred.calendar_date = v.referral_date
LEFT JOIN intermediate.int_calendar_days AS seen ON seen.calendar_date = v.visit_date
