-- CL02 % of young people aged 19-21 who were looked after aged 16 in education, employment or
-- training. Snapshot; bigger is better.
-- denominator: as CL01 (care leavers aged 19-21 at the period end, excluding died and RHOM).
-- numerator:   those whose latest recorded activity is education, employment or training, full or
--              part time (DfE ACTIV F1, P1, F2, P2, F4, P4, F5, P5).
-- value:       100 x numerator / denominator, 1 decimal. LAIT care leavers in EET (19-21), which
--              DfE takes from the OC3 return around the birthday; here each quarter end.
-- sources:     social_care care_leavers (dob, contact_date, in_touch, activity).
SELECT * FROM kpi_totals('kpis.kpi_cl02_care_leavers_in_education_employment_training_detail', 'CL02', 'social_care__care_leavers')
