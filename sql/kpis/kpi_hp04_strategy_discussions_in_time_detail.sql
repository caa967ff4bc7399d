-- HP04 drill-through: each strategy discussion held in the quarter and the working days from the
-- concern to the discussion.
SELECT
    s.council_code,
    'HP04'                                          AS kpi_code,
    p.period_end,
    s.child_key                                     AS subject_key,
    s.discussion_id,
    s.concern_date,
    s.discussion_date,
    held.working_day_number - raised.working_day_number AS working_days_to_discussion,
    CASE WHEN held.working_day_number - raised.working_day_number <= 5 THEN 1 ELSE 0 END
                                                    AS numerator_value,
    1                                               AS denominator_value
FROM staging.stg_social_care__strategy_discussions AS s
JOIN intermediate.int_periods AS p ON s.discussion_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS raised ON raised.calendar_date = s.concern_date
JOIN intermediate.int_calendar_days AS held ON held.calendar_date = s.discussion_date
