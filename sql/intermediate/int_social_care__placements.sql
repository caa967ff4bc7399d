-- Placements: within a period of care, a new placement starts with an episode whose reason for
-- new episode (rne, DfE 903 codes) says the carer changed:
--   S  started to be looked after                                   -> new placement
--   P  change of placement and carer(s) only                        -> new placement
--   B  change of legal status, placement and carer(s)               -> new placement
--   L  change of legal status only                                  -> same placement
--   T  change of placement but same carer(s) only                   -> same placement
--   U  change of legal status and placement, same carer(s)          -> same placement
-- so a child who stays with the same carers (e.g. placed for adoption with its foster carers, a
-- short-term foster placement becoming long-term) keeps one placement, as DfE's stability
-- measures count it (LAIT 372: "placed for adoption with their existing foster carers ... not
-- counted as a placement change"; LAIT 393: "living in the same placement").
-- The first episode of a period always starts a placement, whatever its rne. A placement runs
-- from its first episode's decom to its last episode's dec (null while open).
-- place/place_provider: those of the placement's first episode (where the child was placed with
-- these carers); current_place/current_place_provider: those of its latest episode (a same-carer
-- change such as U4 -> A5 changes the place code, not the carers). CC01 reads neither: it takes
-- the current episode's place and provider from int_social_care__looked_after_at_period_end.
-- Short breaks (V3/V4) are already out (int_social_care__episodes_in_care).
WITH flagged AS (
    SELECT
        e.*,
        e.starts_new_period OR coalesce(e.rne IN ('S', 'P', 'B'), false) AS starts_new_placement
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
    count(*)                                AS episodes,
    arg_max_null(place, episode_number)     AS current_place,
    arg_max_null(place_provider, episode_number) AS current_place_provider
FROM numbered
GROUP BY council_code, child_key, placement_number, period_of_care_number
