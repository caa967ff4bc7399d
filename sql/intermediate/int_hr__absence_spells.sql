-- Sickness absence spells: SAP's absence rows joined into continuous spells, with the employment
-- they belong to and how the KPIs classify them.
--
-- Joining rule. SAP writes one row per fit note or per month, so one absence can arrive as
-- several rows. Rows of the same employee and the same reason group belong to one spell when no
-- working day lies between them: the next row starts on or before the next working day after
-- the spell so far ends. So a row ending on a Friday and the next starting on the Monday join;
-- so do rows either side of a bank holiday (end Fri 5 May 2023, start Tue 9 May 2023: Mon 8 May
-- was the Coronation holiday); overlapping and same-day rows join, and their days are counted
-- once. A working day with no absence row between two rows splits them.
-- Reason group: the `category` of the row's reason code in reference/absence_reasons.csv
-- (`stress` or `other` today); a code not listed there counts as `other`. A stress row and an
-- `other` row are never one spell, even when adjacent.
-- Open rows (no absence_end) run to the run's period end. A spell is open when any of its rows
-- is; its reason_code is that of its first row.
-- Long-term: the joined spell lasts more than 20 working days in total (the whole spell, not
-- only the part inside one quarter), so two rows of 15 working days each, back to back, make a
-- long-term spell of 30. Joining never changes the days lost inside a quarter: the days between
-- joined rows are not working days.
-- Rows starting after the period end are ignored.
WITH run AS (SELECT period_end FROM meta.run_context),
absence_rows AS (
    SELECT
        a.council_code,
        a.employee_key,
        a.absence_start,
        a.absence_end,
        coalesce(a.absence_end, run.period_end)   AS row_end,
        a.reason_code,
        coalesce(r.category, 'other')             AS reason_group,
        a._row_number
    FROM staging.stg_hr_sap__absences AS a
    CROSS JOIN run
    LEFT JOIN staging.stg_reference__absence_reasons AS r USING (reason_code)
    WHERE a.absence_start <= run.period_end
),
numbered AS (
    SELECT
        absence_rows.*,
        day_before.working_day_number AS wdn_before_start,   -- working days before the row starts
        last_day.working_day_number   AS wdn_end             -- working days up to its last day
    FROM absence_rows
    JOIN intermediate.int_calendar_days AS day_before
      ON day_before.calendar_date = absence_rows.absence_start - 1
    JOIN intermediate.int_calendar_days AS last_day
      ON last_day.calendar_date = absence_rows.row_end
),
flagged AS (
    SELECT
        numbered.*,
        -- a new spell starts when a working day lies between the row and every earlier row of
        -- the group: the working days before its start exceed those up to the latest end so far
        CASE WHEN wdn_before_start <= max(wdn_end) OVER earlier THEN 0 ELSE 1 END AS starts_spell
    FROM numbered
    WINDOW earlier AS (PARTITION BY council_code, employee_key, reason_group
                       ORDER BY absence_start, row_end, _row_number
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
islands AS (
    SELECT
        flagged.*,
        sum(starts_spell) OVER (PARTITION BY council_code, employee_key, reason_group
                                ORDER BY absence_start, row_end, _row_number
                                ROWS UNBOUNDED PRECEDING) AS spell_number
    FROM flagged
),
spells AS (
    SELECT
        council_code,
        employee_key,
        reason_group,
        spell_number,
        min(absence_start)                                          AS absence_start,
        CASE WHEN bool_and(absence_end IS NOT NULL) THEN max(absence_end) END AS absence_end,
        max(row_end)                                                AS spell_end,
        arg_min(reason_code, {'s': absence_start, 'r': _row_number}) AS reason_code,
        count(*)                                                    AS absence_rows,
        reason_group = 'stress'                                     AS is_stress
    FROM islands
    GROUP BY council_code, employee_key, reason_group, spell_number
)
SELECT
    spells.council_code,
    spells.employee_key,
    spells.absence_start,
    spells.absence_end,
    spells.spell_end,
    spells.reason_code,
    spells.reason_group,
    spells.absence_rows,
    spells.is_stress,
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
