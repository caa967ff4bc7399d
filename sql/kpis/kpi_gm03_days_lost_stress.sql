-- GM03 Days lost to stress per FTE - Children's. Latest quarter; smaller is better.
-- numerator:   as GM01, counting only spells whose reason code has category `stress` in
--              reference/absence_reasons.csv (S04 work-related stress; S05 stress, anxiety,
--              depression and other mental health), of any length.
-- denominator: average FTE of the Children & Young People directorate over the quarter.
-- value:       numerator / denominator, 2 decimals.
-- sources:     hr_sap absences (reason_code), hr_sap staff_in_post.
-- DfE measure: none (a local HR/corporate measure; DfE's LAIT has no equivalent).
SELECT * FROM kpi_totals('kpis.kpi_gm03_days_lost_stress_detail', 'GM03', 'hr_sap__staff_in_post')
