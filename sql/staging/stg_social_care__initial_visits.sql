-- Referrals that needed an initial visit, and when the child was seen.
SELECT
    council_code,
    trim(referral_id)                                             AS referral_id,
    pseudonymise('child', council_code || ':' || trim(child_id))  AS child_key,
    parse_iso_date(referral_date)                                 AS referral_date,
    parse_iso_date(visit_date)                                    AS visit_date,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__initial_visits
