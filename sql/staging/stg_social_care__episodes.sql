-- SSDA903 episodes: one row per episode of care, a new episode whenever the legal status or the
-- placement changes. decom = date episode commenced, dec = date episode ceased (null while open),
-- rne = reason for new episode, ls = legal status, rec = reason episode ceased.
-- Home and placement postcodes (HOME_POST, PL_POST) never leave raw.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child)) AS child_key,
    parse_dfe_date(decom)                                     AS decom,
    parse_dfe_date(dec)                                       AS dec,
    blank_to_null(rne)                                        AS rne,
    blank_to_null(ls)                                         AS ls,
    blank_to_null(cin)                                        AS cin,
    blank_to_null(place)                                      AS place,
    blank_to_null(place_provider)                             AS place_provider,
    blank_to_null(rec)                                        AS rec,
    blank_to_null(reason_place_change)                        AS reason_place_change,
    blank_to_null(urn)                                        AS urn,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__episodes
