-- QA01 drill-through: each graded case file audit carried out in the quarter.
SELECT
    a.council_code,
    'QA01'                                                          AS kpi_code,
    p.period_end,
    a.child_key                                                     AS subject_key,
    a.audit_id,
    a.grade,
    CASE WHEN a.grade IN ('Outstanding', 'Good') THEN 1 ELSE 0 END  AS numerator_value,
    1                                                               AS denominator_value
FROM staging.stg_social_care__qa_audits AS a
JOIN intermediate.int_periods AS p ON a.audit_date BETWEEN p.quarter_start AND p.period_end
WHERE a.grade <> 'Not graded'
