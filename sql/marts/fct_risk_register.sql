-- The risk register as it stood at each quarter end: one row per council, period end and risk.
-- `published.risk_register` is a frozen copy of this for the published quarters.
--
-- review used:  a risk's latest review dated on or before the period end. That is the review held
--               in the quarter when there is one (the latest, if it was reviewed twice), otherwise
--               the latest before it, carried forward: a risk not reviewed this quarter is shown as
--               last reviewed (reviewed_in_quarter false, review_date says when). A risk first
--               reviewed after a period end is not on that quarter's register.
-- score:        likelihood x impact, each 1-5, so 1-25 (the seed's matrix).
-- level:        Low 1-6, Moderate 7-12, High 13-25.
-- trend:        this quarter's score against the previous quarter's, found by the same rule at the
--               previous period end: increasing, decreasing or no_change; null for a risk new this
--               quarter (no review on or before the previous period end).
WITH reviews AS (
    SELECT council_code, risk_id, title, directorate, owner, likelihood, impact,
           likelihood * impact AS score, controls, review_date
    FROM staging.stg_risks__risk_register
    WHERE review_date IS NOT NULL AND likelihood IS NOT NULL AND impact IS NOT NULL
),
spine AS (
    SELECT k.council_code, k.risk_id, p.period_end, p.period_label, p.quarter_start, p.previous_period_end
    FROM (SELECT DISTINCT council_code, risk_id FROM reviews) AS k
    CROSS JOIN intermediate.int_periods AS p
),
current_review AS (
    SELECT s.*, r.title, r.directorate, r.owner, r.likelihood, r.impact, r.score, r.controls,
           r.review_date
    FROM spine AS s
    JOIN reviews AS r
      ON r.council_code = s.council_code AND r.risk_id = s.risk_id AND r.review_date <= s.period_end
    QUALIFY row_number() OVER (PARTITION BY s.council_code, s.risk_id, s.period_end
                               ORDER BY r.review_date DESC) = 1
),
with_previous AS (
    SELECT c.*, prev.score AS previous_score, prev.review_date AS previous_review_date
    FROM current_review AS c
    LEFT JOIN LATERAL (
        SELECT r.score, r.review_date
        FROM reviews AS r
        WHERE r.council_code = c.council_code AND r.risk_id = c.risk_id
          AND r.review_date <= c.previous_period_end
        ORDER BY r.review_date DESC
        LIMIT 1
    ) AS prev ON TRUE
)
SELECT
    council_code,
    period_end,
    period_label,
    risk_id,
    title,
    directorate,
    owner,
    likelihood,
    impact,
    score,
    CASE WHEN score <= 6 THEN 'Low' WHEN score <= 12 THEN 'Moderate' ELSE 'High' END AS level,
    controls,
    review_date,
    review_date >= quarter_start                                                      AS reviewed_in_quarter,
    previous_score,
    CASE WHEN previous_score IS NULL THEN NULL
         WHEN previous_score <= 6 THEN 'Low' WHEN previous_score <= 12 THEN 'Moderate'
         ELSE 'High' END                                                              AS previous_level,
    CASE WHEN previous_score IS NULL THEN NULL
         WHEN score > previous_score THEN 'increasing'
         WHEN score < previous_score THEN 'decreasing'
         ELSE 'no_change' END                                                         AS trend
FROM with_previous
