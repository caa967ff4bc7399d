-- CIN census referrals, one per <CINdetails>. The child's id becomes the same keyed pseudonym as
-- in the 903 tables and local lists, so one child can be followed across sources.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(la_child_id)) AS child_key,
    CAST(referral_number AS INTEGER)                              AS referral_number,
    parse_iso_date(cin_referral_date)                             AS referral_date,
    parse_iso_date(cin_closure_date)                              AS closure_date,
    blank_to_null(referral_source)                                AS referral_source,
    blank_to_null(primary_need_code)                              AS primary_need_code,
    blank_to_null(reason_for_closure)                             AS reason_for_closure,
    lower(trim(referral_nfa)) IN ('true', '1')                    AS referral_nfa,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__cin_referrals
