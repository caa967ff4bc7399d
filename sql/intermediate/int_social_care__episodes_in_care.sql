-- The 903 episodes every children-in-care measure starts from, each tagged with its period of
-- care (docs/social_care_spec.md, "Periods of care").
--
-- * Short breaks are out before anything else: episodes with legal status V3 or V4 are dropped
--   here, so they neither make a child looked after nor join or split a period of care.
-- * Episodes of a child are numbered in decom order. An episode continues the previous episode's
--   period of care when it starts on the previous episode's dec, or when the previous episode
--   ceased with rec X1 (episode ceases and a new one begins the same day); otherwise it starts a
--   new period. The first episode of a child always starts one.
-- * Malformed histories: an episode that starts before the previous one ceased, or after an
--   episode that never ceased (dec empty), is treated as continuing that period - the child never
--   left care. On valid 903 data this is exactly the rule above.
WITH ordered AS (
    SELECT
        e.*,
        CAST(row_number() OVER child_episodes AS INTEGER) AS episode_number,
        lag(e.dec) OVER child_episodes   AS previous_dec,
        lag(e.rec) OVER child_episodes   AS previous_rec
    FROM staging.stg_social_care__episodes AS e
    WHERE e.decom IS NOT NULL
      AND coalesce(e.ls, '') NOT IN ('V3', 'V4')
    WINDOW child_episodes AS (PARTITION BY e.council_code, e.child_key ORDER BY e.decom)
),
flagged AS (
    SELECT
        ordered.*,
        CASE
            WHEN episode_number = 1     THEN TRUE
            WHEN previous_rec = 'X1'    THEN FALSE
            WHEN previous_dec IS NULL   THEN FALSE
            WHEN decom <= previous_dec  THEN FALSE
            ELSE TRUE
        END AS starts_new_period
    FROM ordered
)
SELECT
    council_code,
    child_key,
    episode_number,
    decom,
    dec,
    rne,
    ls,
    cin,
    place,
    place_provider,
    rec,
    reason_place_change,
    urn,
    starts_new_period,
    CAST(sum(CASE WHEN starts_new_period THEN 1 ELSE 0 END)
        OVER (PARTITION BY council_code, child_key ORDER BY decom
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS INTEGER) AS period_of_care_number,
    _load_id,
    _source_file,
    _row_number
FROM flagged
