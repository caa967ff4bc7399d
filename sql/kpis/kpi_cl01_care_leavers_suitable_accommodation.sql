-- CL01 % of young people aged 19-21 who were looked after aged 16 in suitable accommodation
-- (DfE LAIT 112). Snapshot; bigger is better.
-- denominator: care leavers (former relevant children) aged 19, 20 or 21 at the period end with a
--              keeping-in-touch contact on or before it, excluding those whose latest contact says
--              they died or returned home to their parents (RHOM), and those gone abroad, deported
--              or whose residence is not known (latest ACCOM G, H or R), "as the suitability will
--              not usually be known in these cases" (LAIT 112).
-- numerator:   those whose latest recorded accommodation is suitable (DfE ACCOM code ending 1).
--              Not in touch (NO), refusing contact (REFU) or no longer requiring services (NREQ):
--              in the denominator, not suitable (LAIT 112: "Figures include young people whose
--              accommodation is not known because ..."). ACCOM `0` (not applicable) is never
--              suitable.
-- value:       100 x numerator / denominator, 1 decimal.
-- sources:     social_care care_leavers (dob, contact_date, in_touch, accommodation); where the
--              council sent no care_leavers list, 903 OC3 (dob, in_touch, accom) and episodes.
-- vs DfE:      LAIT 112 counts the young people whose 19th-21st birthday falls in the year to
--              31 March, from the OC3 return (their accommodation around the birthday); the
--              local-list figure is the position at each quarter end from the leaving-care team's
--              latest contacts, so that it moves quarter by quarter. DfE's cohort also needs the
--              young person to have been looked after 13 weeks after 14 including time after 16
--              (former relevant); the local list and the OC3 hold only such young people, which
--              is taken as given. DfE's OC3 basis is published where the council sent only the
--              OC3, and beside the local figure otherwise (figure_basis below).
-- annex_a:     a council that sends neither the local list nor the 903 OC3 but its Ofsted Annex A
--              workbook: list 9's status of each young person as at the workbook, at the one
--              quarter end it describes (int_social_care__annex_a_care_leavers_at_period_end),
--              figure_basis 'annex_a'; the same cohort rules as the local list. Either statutory
--              or local source wins over it (docs/social_care_spec.md).
-- figure_basis: 'local_list' for a council that sent the local care_leavers list (the quarterly
--              figure above); 'dfe_oc3_annual' for a council that sent the 903 OC3 but no local
--              list: DfE's annual figure (LAIT 112) from the OC3, shown at the quarter ends
--              from the end of its collection year up to 12 months after
--              (int_social_care__oc3_collection_years says which year a file describes); the
--              quarter ends before that show no information. A council with neither: no row.
--              Where a council sent both, the OC3 figure is in fct_kpi_breakdowns
--              (breakdown 'dfe_oc3_annual').
SELECT *, 'local_list' AS figure_basis
FROM kpi_totals('kpis.kpi_cl01_care_leavers_suitable_accommodation_detail', 'CL01', 'social_care__care_leavers')
UNION ALL BY NAME
SELECT * FROM oc3_annual_totals('kpis.kpi_cl01_care_leavers_suitable_accommodation_detail', 'CL01')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_cl01_care_leavers_suitable_accommodation_detail', 'CL01',
                             'social_care__annex_a_list9_care_leavers',
                             ['social_care__care_leavers', 'social_care__oc3'], snapshot_only := true)
