-- The councils this warehouse holds: any council code seen in a source.
SELECT council_code FROM staging.stg_hr_sap__staff_in_post
UNION SELECT council_code FROM staging.stg_audit__recommendations
UNION SELECT council_code FROM staging.stg_social_care__cin_referrals
UNION SELECT council_code FROM staging.stg_social_care__contacts
UNION SELECT council_code FROM staging.stg_social_care__care_leavers
UNION SELECT council_code FROM staging.stg_social_care__header
UNION SELECT council_code FROM staging.stg_education__attendance
