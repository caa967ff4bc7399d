-- Which collection year each council's OC3 describes, and the quarter ends that show its figure.
-- The OC3 file carries no year. A 903 return covers the year 1 April - 31 March, and a council's
-- 903 extract holds the episodes up to when it was made, so:
--   collection_year_end = the earlier of
--     (a) the first 31 March on or after the latest DECOM in the same council's 903 episodes (the
--         return's year has not ended before its last episode began), and
--     (b) the latest 31 March on or before the OC3 file's extract date (a year is collected only
--         once it has ended);
--   either alone when the other is unknown. A return for 2022-23 dropped in July 2023 is 2022-23
--   by both; the same return dropped again in May 2024 is still 2022-23 by (a); a case-management
--   extract made in July 2023 with episodes up to July 2023 is 2022-23 by (b).
--   DECOM, not DEC: a DEC after the year end is invalid in a return yet occurs (the D2I sample
--   2017-18 return has one on 1 April 2018), and would push the year on by one; any council has
--   episodes beginning in every year, so the latest DECOM names the year as well.
--   collection_year_start = the 1 April before it.
-- shown at: each quarter end the run computes from collection_year_end up to 12 months after it
-- (exclusive): 31 Mar, 30 Jun, 30 Sep and 31 Dec, the latest annual figure, as the comparators are
-- shown; a quarter end before the year ended, or a year or more after, shows no OC3 figure.
WITH oc3 AS (
    SELECT o.council_code, max(l.extract_date) AS extract_date
    FROM staging.stg_social_care__oc3 AS o
    LEFT JOIN meta.loads AS l ON l.load_id = o._load_id
    GROUP BY o.council_code
),
events AS (
    SELECT council_code, max(decom) AS latest_event
    FROM staging.stg_social_care__episodes
    GROUP BY council_code
),
bounds AS (
    SELECT
        oc3.council_code,
        oc3.extract_date,
        events.latest_event,
        CASE WHEN events.latest_event <= make_date(year(events.latest_event), 3, 31)
             THEN make_date(year(events.latest_event), 3, 31)
             ELSE make_date(year(events.latest_event) + 1, 3, 31) END AS first_year_end_after_events,
        CASE WHEN oc3.extract_date >= make_date(year(oc3.extract_date), 3, 31)
             THEN make_date(year(oc3.extract_date), 3, 31)
             ELSE make_date(year(oc3.extract_date) - 1, 3, 31) END    AS latest_year_end_by_extract
    FROM oc3
    LEFT JOIN events USING (council_code)
),
years AS (
    SELECT
        bounds.*,
        least(first_year_end_after_events, latest_year_end_by_extract) AS collection_year_end
    FROM bounds
)
SELECT
    y.council_code,
    CAST(y.collection_year_end - INTERVAL 1 YEAR + INTERVAL 1 DAY AS DATE) AS collection_year_start,
    y.collection_year_end,
    y.extract_date,
    y.latest_event,
    p.period_end
FROM years AS y
JOIN intermediate.int_periods AS p
  ON p.period_end >= y.collection_year_end
 AND p.period_end < CAST(y.collection_year_end + INTERVAL 12 MONTH AS DATE)
