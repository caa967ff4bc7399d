-- Children looked after at each period end P: the base of CC01, CC02, CC04 and CC05.
-- Looked after at P: an episode (short breaks V3/V4 excluded) with decom <= P and (dec empty or
-- dec > P). A child who started on P is looked after at P; one who left on P is not.
-- One row per child and P, carrying the current episode (the latest one open at P, should a
-- malformed history hold two), the child's age at P (whole years completed on P, a birthday on P
-- counts; null when the header has no date of birth), and when the current period of care and
-- the current placement started.
WITH open_at_p AS (
    SELECT
        p.period_end,
        e.*,
        row_number() OVER (PARTITION BY e.council_code, e.child_key, p.period_end
                           ORDER BY e.decom DESC) AS recency
    FROM intermediate.int_social_care__episodes_in_care AS e
    JOIN intermediate.int_periods AS p
      ON e.decom <= p.period_end
     AND (e.dec IS NULL OR e.dec > p.period_end)
)
SELECT
    o.council_code,
    o.child_key,
    o.period_end,
    h.dob,
    age_on(h.dob, o.period_end)     AS age_at_period_end,
    o.episode_number,
    o.decom                         AS episode_start,
    o.ls,
    o.place,
    o.place_provider,
    o.period_of_care_number,
    poc.period_of_care_start,
    pl.placement_number,
    pl.placement_start
FROM open_at_p AS o
LEFT JOIN staging.stg_social_care__header AS h
       ON h.council_code = o.council_code AND h.child_key = o.child_key
JOIN intermediate.int_social_care__periods_of_care AS poc
  ON poc.council_code = o.council_code AND poc.child_key = o.child_key
 AND poc.period_of_care_number = o.period_of_care_number
JOIN intermediate.int_social_care__placements AS pl
  ON pl.council_code = o.council_code AND pl.child_key = o.child_key
 AND o.episode_number BETWEEN pl.first_episode_number AND pl.last_episode_number
WHERE o.recency = 1
