-- CL02 % of young people aged 19-21 who were looked after aged 16 in education, employment or
-- training (DfE LAIT 113). Snapshot; bigger is better.
-- denominator: care leavers (former relevant children) aged 19, 20 or 21 at the period end with a
--              keeping-in-touch contact on or before it, excluding those whose latest contact says
--              they died or returned home to their parents (RHOM). Unlike CL01, those gone abroad,
--              deported or whose residence is not known (ACCOM G, H, R) stay in: LAIT 113 does not
--              exclude them.
-- numerator:   those whose latest recorded activity is education, employment or training, full or
--              part time (DfE ACTIV F1, P1, F2, P2, F4, P4, F5, P5). Not in touch (NO), refusing
--              contact (REFU) or no longer requiring services (NREQ): in the denominator, not EET
--              (LAIT 113: "Figures include young people with whom the local authority are not in
--              touch ..."). ACTIV `0` (not applicable) is never EET.
-- value:       100 x numerator / denominator, 1 decimal.
-- sources:     social_care care_leavers (dob, contact_date, in_touch, activity); where the
--              council sent no care_leavers list, 903 OC3 (dob, in_touch, activ) and episodes.
-- vs DfE:      LAIT 113 counts the young people whose 19th-21st birthday falls in the year to
--              31 March, from the OC3 return (their activity around the birthday); the local-list
--              figure is the position at each quarter end from the leaving-care team's latest
--              contacts. The former-relevant condition is taken as given, as for CL01.
-- annex_a:     a council that sends neither the local list nor the 903 OC3 but its Ofsted Annex A
--              workbook: list 9's status of each young person as at the workbook, at the one
--              quarter end it describes (int_social_care__annex_a_care_leavers_at_period_end),
--              figure_basis 'annex_a'; the same cohort rules as the local list. Either statutory
--              or local source wins over it (docs/social_care_spec.md).
-- figure_basis: 'local_list' for a council that sent the local care_leavers list (the quarterly
--              figure above); 'dfe_oc3_annual' for a council that sent the 903 OC3 but no local
--              list: DfE's annual figure (LAIT 113) from the OC3, shown at the quarter ends
--              from the end of its collection year up to 12 months after
--              (int_social_care__oc3_collection_years says which year a file describes); the
--              quarter ends before that show no information. A council with neither: no row.
--              Where a council sent both, the OC3 figure is in fct_kpi_breakdowns
--              (breakdown 'dfe_oc3_annual').
SELECT *, 'local_list' AS figure_basis
FROM kpi_totals('kpis.kpi_cl02_care_leavers_in_education_employment_training_detail', 'CL02', 'social_care__care_leavers')
UNION ALL BY NAME
SELECT * FROM oc3_annual_totals('kpis.kpi_cl02_care_leavers_in_education_employment_training_detail', 'CL02')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_cl02_care_leavers_in_education_employment_training_detail', 'CL02',
                             'social_care__annex_a_list9_care_leavers',
                             ['social_care__care_leavers', 'social_care__oc3'], snapshot_only := true)
