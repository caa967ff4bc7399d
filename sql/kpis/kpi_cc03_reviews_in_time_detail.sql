-- CC03 drill-through: each 903 review held in the quarter, the period of care it falls in, which
-- review of that period it is, its due date and whether it was held by then.
-- Review n of a period of care (reviews ordered by date within the period):
--   1st: within 20 working days of the period's start: wdn(review) - wdn(start) <= 20, the
--        start being day 0 (due_date shows the 20th working day after the start);
--   2nd: on or before the 1st review + 3 calendar months (same day of the month);
--   later: on or before the previous review + 6 calendar months.
-- (A month with no such day - 31 May + 3 months - gives the month's last day.)
-- A review belongs to the period with start <= review date <= end (or still open). Reviews in no
-- period of care (a short break's review, V3/V4 being excluded, or a review dated outside the
-- child's episodes) cannot be given a due date and are left out.
WITH in_period AS (
    SELECT
        r.council_code,
        r.child_key,
        r.review_date,
        poc.period_of_care_number,
        poc.period_of_care_start,
        row_number() OVER same_period AS review_number,
        lag(r.review_date) OVER same_period AS previous_review_date
    FROM staging.stg_social_care__reviews AS r
    JOIN intermediate.int_social_care__periods_of_care AS poc
      ON poc.council_code = r.council_code
     AND poc.child_key = r.child_key
     AND r.review_date >= poc.period_of_care_start
     AND (poc.period_of_care_end IS NULL OR r.review_date <= poc.period_of_care_end)
    WINDOW same_period AS (PARTITION BY r.council_code, r.child_key, poc.period_of_care_number
                           ORDER BY r.review_date)
),
timed AS (
    SELECT
        i.*,
        held.working_day_number - started.working_day_number AS working_days_from_start,
        CASE
            WHEN i.review_number = 1 THEN (
                SELECT min(d.calendar_date)
                FROM intermediate.int_calendar_days AS d
                WHERE d.is_working_day
                  AND d.working_day_number = started.working_day_number + 20)
            WHEN i.review_number = 2 THEN CAST(i.previous_review_date + INTERVAL 3 MONTH AS DATE)
            ELSE CAST(i.previous_review_date + INTERVAL 6 MONTH AS DATE)
        END AS due_date
    FROM in_period AS i
    JOIN intermediate.int_calendar_days AS held    ON held.calendar_date = i.review_date
    JOIN intermediate.int_calendar_days AS started ON started.calendar_date = i.period_of_care_start
)
SELECT
    t.council_code,
    'CC03'                      AS kpi_code,
    p.period_end,
    t.child_key                 AS subject_key,
    t.review_date,
    t.period_of_care_start,
    t.review_number,
    t.previous_review_date,
    t.working_days_from_start,
    t.due_date,
    CASE
        WHEN t.review_number = 1 THEN CASE WHEN t.working_days_from_start <= 20 THEN 1 ELSE 0 END
        ELSE CASE WHEN t.review_date <= t.due_date THEN 1 ELSE 0 END
    END                         AS numerator_value,
    1                           AS denominator_value
FROM timed AS t
JOIN intermediate.int_periods AS p ON t.review_date BETWEEN p.quarter_start AND p.period_end
