-- CC02 drill-through: each child under 16 looked after at the period end P whose current period
-- of care started 2.5 years (30 months) or more before P, with when the current placement
-- started; numerator_value 1 when that is 2 years (24 months) or more before P, or when the
-- child is placed for adoption and the adoptive placement together with the previous placement
-- lasts 2 years (LAIT 393):
--   placed for adoption: the current episode's place is A3-A6 (DfE's "placed for adoption"
--     codes; legal status E1 alone, a placement order with the child not yet placed, is not);
--   adoptive placement: the unbroken run of A3-A6 episodes ending with the current one;
--   previous placement: the placement (carers, int_social_care__placements) of the latest
--     episode of the same period of care before that run; adoption_previous_placement_start is
--     its start. Placed with the same carers (rne T/U), that is the current placement itself, so
--     the clause adds nothing to "same placement for 2 years"; placed with new carers (P/B), it
--     is the placement before, and the two together last 2 years when it started on or before
--     P - 24 months (they are contiguous inside one period of care).
WITH looked_after AS (
    SELECT l.*, l.place IN ('A3', 'A4', 'A5', 'A6') AS placed_for_adoption
    FROM intermediate.int_social_care__looked_after_at_period_end AS l
    WHERE l.age_at_period_end < 16
      AND l.period_of_care_start <= CAST(l.period_end - INTERVAL 30 MONTH AS DATE)
),
before_adoption AS (
    SELECT l.council_code, l.child_key, l.period_end, max(e.episode_number) AS episode_number
    FROM looked_after AS l
    JOIN intermediate.int_social_care__episodes_in_care AS e
      ON e.council_code = l.council_code AND e.child_key = l.child_key
     AND e.period_of_care_number = l.period_of_care_number
     AND e.episode_number < l.episode_number
     AND e.place NOT IN ('A3', 'A4', 'A5', 'A6')
    WHERE l.placed_for_adoption
    GROUP BY ALL
),
adoption AS (
    SELECT b.council_code, b.child_key, b.period_end, pl.placement_start AS previous_placement_start
    FROM before_adoption AS b
    JOIN intermediate.int_social_care__placements AS pl
      ON pl.council_code = b.council_code AND pl.child_key = b.child_key
     AND b.episode_number BETWEEN pl.first_episode_number AND pl.last_episode_number
)
SELECT
    l.council_code,
    'CC02'                  AS kpi_code,
    l.period_end,
    l.child_key             AS subject_key,
    l.age_at_period_end,
    l.period_of_care_start,
    l.placement_start,
    l.place,
    l.placed_for_adoption,
    a.previous_placement_start AS adoption_previous_placement_start,
    CASE WHEN l.placement_start <= CAST(l.period_end - INTERVAL 24 MONTH AS DATE) THEN 1
         WHEN l.placed_for_adoption
          AND a.previous_placement_start <= CAST(l.period_end - INTERVAL 24 MONTH AS DATE) THEN 1
         ELSE 0 END         AS numerator_value,
    1                       AS denominator_value
FROM looked_after AS l
LEFT JOIN adoption AS a
       ON a.council_code = l.council_code AND a.child_key = l.child_key
      AND a.period_end = l.period_end
