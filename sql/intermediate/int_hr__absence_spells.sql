-- Sickness absence spells with the employment they belong to and how the KPIs classify them.
-- An open spell runs to the run's period end. A spell is long-term when it lasts more than 20
-- working days in total (the whole spell, not only the part inside one quarter).
WITH run AS (SELECT period_end FROM meta.run_context),
spells AS (
    SELECT
        a.council_code,
        a.employee_key,
        a.absence_start,
        a.absence_end,
        coalesce(a.absence_end, run.period_end) AS spell_end,
        a.reason_code,
        coalesce(r.category = 'stress', false)  AS is_stress
    FROM staging.stg_hr_sap__absences AS a
    CROSS JOIN run
    LEFT JOIN staging.stg_reference__absence_reasons AS r USING (reason_code)
    WHERE a.absence_start <= run.period_end
)
SELECT
    spells.*,
    e.directorate,
    e.fte,
    e.start_date   AS employment_start,
    e.leaving_date AS employment_end,
    greatest(last_day.working_day_number - day_before.working_day_number, 0) AS spell_working_days,
    greatest(last_day.working_day_number - day_before.working_day_number, 0) > 20 AS is_long_term
FROM spells
LEFT JOIN staging.stg_hr_sap__staff_in_post AS e USING (council_code, employee_key)
JOIN intermediate.int_calendar_days AS last_day   ON last_day.calendar_date = spells.spell_end
JOIN intermediate.int_calendar_days AS day_before ON day_before.calendar_date = spells.absence_start - 1
