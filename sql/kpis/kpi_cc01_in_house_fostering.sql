-- CC01 % of children in foster care placed with the council's own foster carers. Snapshot at the
-- period end P; bigger is better.
-- denominator: children looked after at P (an episode with decom <= P and dec empty or > P; one
--              who left on P is not, one who started on P is) whose current episode's place is
--              U1-U6 (foster care: U1-U3 with a relative or friend, U4-U6 other foster carers).
-- numerator:   those whose current episode's place_provider is PR1 (the council's own provision).
--              An empty place_provider is not PR1.
-- exclusions:  short breaks (legal status V3/V4) are not looked after here; placements for
--              adoption (A3-A6), even with the child's foster carers, are not foster care.
-- value:       100 x numerator / denominator, 1 decimal.
-- sources:     903 episodes (decom, dec, ls, place, place_provider).
-- vs DfE:      no LAIT measure (a local measure); DfE publishes placement providers for children looked after at 31 March; this
--              takes the same cut at every quarter end.
-- annex_a:     a council that sends no 903 episodes but an Ofsted Annex A workbook: list 8's
--              children looked after at the quarter end the workbook describes whose most recent
--              placement (U1-U6) started by then, its provider PR1 the numerator
--              (int_social_care__annex_a_looked_after_at_period_end); figure_basis 'annex_a', no
--              figure at other quarter ends (docs/social_care_spec.md).
SELECT * FROM kpi_totals('kpis.kpi_cc01_in_house_fostering_detail', 'CC01', 'social_care__episodes')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_cc01_in_house_fostering_detail', 'CC01',
                             'social_care__annex_a_list8_children_in_care', ['social_care__episodes'], snapshot_only := true)
