-- HP01 drill-through: each assessment authorised in the quarter and its length in working days.
-- Annex A list 4 records (figure_basis 'annex_a') only for councils that sent no CIN census.
SELECT
    a.council_code,
    'HP01'                                          AS kpi_code,
    p.period_end,
    a.child_key                                     AS subject_key,
    a.start_date,
    a.authorised_date,
    done.working_day_number - started.working_day_number AS working_days_to_authorise,
    CASE WHEN done.working_day_number - started.working_day_number <= 45 THEN 1 ELSE 0 END
                                                    AS numerator_value,
    1                                               AS denominator_value
FROM staging.stg_social_care__cin_assessments AS a
JOIN intermediate.int_periods AS p ON a.authorised_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS started ON started.calendar_date = a.start_date
JOIN intermediate.int_calendar_days AS done ON done.calendar_date = a.authorised_date
UNION ALL BY NAME
SELECT
    a.council_code,
    'HP01'                                          AS kpi_code,
    p.period_end,
    a.child_key                                     AS subject_key,
    a.start_date,
    a.authorised_date,
    done.working_day_number - started.working_day_number AS working_days_to_authorise,
    CASE WHEN done.working_day_number - started.working_day_number <= 45 THEN 1 ELSE 0 END
                                                    AS numerator_value,
    1                                               AS denominator_value,
    'annex_a'                                       AS figure_basis
FROM staging.stg_social_care__annex_a_list4_assessments AS a
JOIN intermediate.int_periods AS p ON a.authorised_date BETWEEN p.quarter_start AND p.period_end
JOIN intermediate.int_calendar_days AS started ON started.calendar_date = a.start_date
JOIN intermediate.int_calendar_days AS done ON done.calendar_date = a.authorised_date
WHERE a.council_code NOT IN (SELECT council_code FROM intermediate.int_council_sources
                             WHERE source_table = 'social_care__cin_referrals')
