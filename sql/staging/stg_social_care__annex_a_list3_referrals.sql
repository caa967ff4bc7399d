-- Annex A list 3: referrals. referrals_last_12_months is Ofsted's "Number of Referrals in Last
-- 12 Months": the child's referrals in the 12 months before this one (the public sample holds 0
-- for some referrals, so this referral is not among them). Y/N/U answers become true/false/null.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child_id)) AS child_key,
    blank_to_null(gender)                                        AS gender,
    parse_iso_date(referral_date)                                AS referral_date,
    blank_to_null(referral_source)                               AS referral_source,
    CASE trim(referral_nfa) WHEN 'Y' THEN true WHEN 'N' THEN false END AS referral_nfa,
    CAST(blank_to_null(referrals_last_12_months) AS INTEGER)     AS referrals_last_12_months,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__annex_a_list3_referrals
