-- SSDA903 reviews: one row per looked-after review held. review_code is DfE's REVIEW_CODE (how
-- the child took part). The file's DOB repeats the header's and is not carried.
SELECT
    council_code,
    pseudonymise('child', council_code || ':' || trim(child)) AS child_key,
    parse_dfe_date(review)                                    AS review_date,
    blank_to_null(review_code)                                AS review_code,
    _load_id,
    _source_file,
    _row_number
FROM raw.social_care__reviews
