-- Annex A list 8 children looked after at the one quarter end the workbook describes (the latest
-- on or before its extract date, within three months of it, as for list 9): list 8 gives each
-- child's current legal status and most recent placement only, so it says nothing about earlier
-- quarter ends. Looked after at P as for the 903: started on or before P, not ceased by P (one
-- who ceased on P is not), short breaks (legal status V3/V4) left out. placement_known_at_p: the
-- most recent placement started on or before P, so it is the placement the child was in at P.
SELECT
    c.council_code,
    p.period_end,
    c.child_key,
    c.looked_after_start,
    c.legal_status,
    c.placement_start,
    c.placement_type,
    c.placement_provider,
    c.placement_start <= p.period_end                          AS placement_known_at_p,
    c.placements_last_12_months,
    l.extract_date
FROM staging.stg_social_care__annex_a_list8_children_in_care AS c
JOIN meta.loads AS l ON l.load_id = c._load_id
JOIN intermediate.int_periods AS p
  ON p.period_end <= l.extract_date AND p.period_end > l.extract_date - INTERVAL 3 MONTH
WHERE c.looked_after_start <= p.period_end
  AND (c.looked_after_end IS NULL OR c.looked_after_end > p.period_end)
  AND coalesce(c.legal_status NOT IN ('V3', 'V4'), TRUE)
