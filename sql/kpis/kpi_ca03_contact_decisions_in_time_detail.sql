-- CA03 drill-through: each contact received in the quarter and the working days to its decision.
SELECT
    c.council_code,
    'CA03'                                          AS kpi_code,
    p.period_end,
    c.child_key                                     AS subject_key,
    c.contact_id,
    c.contact_date,
    c.decision_date,
    decided.working_day_number - received.working_day_number AS working_days_to_decision,
    CASE WHEN decided.working_day_number - received.working_day_number <= 1 THEN 1 ELSE 0 END
                                                    AS numerator_value,
    1                                               AS denominator_value
FROM staging.stg_social_care__contacts AS c
JOIN intermediate.int_periods AS p ON c.contact_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS received ON received.calendar_date = c.contact_date
LEFT JOIN intermediate.int_calendar_days AS decided ON decided.calendar_date = c.decision_date
