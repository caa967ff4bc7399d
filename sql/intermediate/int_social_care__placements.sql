-- Placements: within a period of care, a new placement starts with an episode whose reason for
-- new episode (rne) is S (started to be looked after), P (placement and carer change), T (legal
-- status and placement change) or B; L (legal status change only) and U (change of placement
-- with the same carers) continue the current placement. The first episode of a period always
-- starts a placement, whatever its rne. A placement runs from its first episode's decom to its
-- last episode's dec (null while open); place and place_provider are those of its first episode.
-- Short breaks (V3/V4) are already out (int_social_care__episodes_in_care).
WITH flagged AS (
    SELECT
        e.*,
        e.starts_new_period OR coalesce(e.rne IN ('S', 'P', 'T', 'B'), false) AS starts_new_placement
    FROM intermediate.int_social_care__episodes_in_care AS e
),
numbered AS (
    SELECT
        flagged.*,
        CAST(sum(CASE WHEN starts_new_placement THEN 1 ELSE 0 END)
            OVER (PARTITION BY council_code, child_key ORDER BY decom
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS INTEGER) AS placement_number
    FROM flagged
)
SELECT
    council_code,
    child_key,
    placement_number,
    period_of_care_number,
    min(decom)                              AS placement_start,
    arg_max_null(dec, episode_number)       AS placement_end,
    arg_min(place, episode_number)          AS place,
    arg_min(place_provider, episode_number) AS place_provider,
    min(episode_number)                     AS first_episode_number,
    max(episode_number)                     AS last_episode_number,
    count(*)                                AS episodes
FROM numbered
GROUP BY council_code, child_key, placement_number, period_of_care_number
