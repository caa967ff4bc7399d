-- Every calendar day the HR measures can touch, with whether it is a working day.
-- Working day: Monday to Friday and not an England and Wales bank holiday.
-- working_day_number counts working days up to and including the date, so the working days in a
-- spell from a to b (both included) are number(b) - number(a - 1): no day-by-day expansion.
WITH days AS (
    SELECT CAST(d AS DATE) AS calendar_date
    FROM meta.run_context,
         range(DATE '2000-01-01', CAST(period_end + INTERVAL 1 YEAR AS DATE), INTERVAL 1 DAY) AS t(d)
)
SELECT
    days.calendar_date,
    isodow(days.calendar_date) <= 5 AND h.holiday_date IS NULL AS is_working_day,
    h.holiday_name,
    sum(CASE WHEN isodow(days.calendar_date) <= 5 AND h.holiday_date IS NULL THEN 1 ELSE 0 END)
        OVER (ORDER BY days.calendar_date) AS working_day_number
FROM days
LEFT JOIN reference.bank_holidays AS h ON h.holiday_date = days.calendar_date
