-- Periods of care: one row per continuous spell a child was looked after (short breaks V3/V4
-- excluded), built from the episodes as int_social_care__episodes_in_care groups them (a new
-- period unless the episode starts on the previous dec or the previous episode ceased with X1).
-- A period starts with its first episode's decom and ends with its last episode's dec (null while
-- the child is still looked after); reason_ceased is that last episode's rec.
-- previous_period_of_care_end: when the child's previous period of care ended (CC06 re-entry).
WITH periods AS (
    SELECT
        council_code,
        child_key,
        period_of_care_number,
        min(decom)                             AS period_of_care_start,
        arg_max_null(dec, episode_number)      AS period_of_care_end,
        arg_max_null(rec, episode_number)      AS reason_ceased,
        min(episode_number)                    AS first_episode_number,
        max(episode_number)                    AS last_episode_number,
        count(*)                               AS episodes
    FROM intermediate.int_social_care__episodes_in_care
    GROUP BY council_code, child_key, period_of_care_number
)
SELECT
    periods.*,
    lag(period_of_care_end) OVER (PARTITION BY council_code, child_key
                                  ORDER BY period_of_care_number) AS previous_period_of_care_end
FROM periods
