-- CC04 % of children looked after with 3 or more placements in the last 12 months (DfE LAIT 372).
-- Snapshot at the period end P; smaller is better.
-- denominator: children looked after at P (decom <= P, dec empty or > P).
-- numerator:   those with 3 or more placements overlapping the 12 months to P: placement start <=
--              P and (end empty or end >= rolling_year_start, the day after P a year earlier),
--              over all the child's periods of care in that time. A placement is a stay with the
--              same carers: a new one starts with an episode whose rne is S (started to be looked
--              after), P (placement and carers) or B (legal status, placement and carers), and
--              with the first episode of a period of care; L (legal status only), T (placement,
--              same carers) and U (legal status and placement, same carers) do not start one. So
--              a child placed for adoption with its foster carers (T or U into A3-A6) has not
--              moved, as LAIT 372 says.
-- exclusions:  short breaks (V3/V4) are not care and their placements do not count.
-- value:       100 x numerator / denominator, 1 decimal.
-- sources:     903 episodes (decom, dec, rne, ls, rec).
-- vs DfE:      DfE counts children looked after at 31 March with 3 or more placements during the
--              year ending 31 March; this uses the 12 months to every quarter end. Every placement
--              the episodes record counts, however short: DfE counts placements of 24 hours or
--              more, but the 903 records dates, not times, so a stay under 24 hours cannot be told
--              apart. Every type counts (temporary placements T0-T4 too).
-- annex_a:     a council that sends no 903 episodes but an Ofsted Annex A workbook: list 8's
--              children looked after at the quarter end the workbook describes, the numerator
--              those whose "Number of Placements in the Last 12 months" is 3 or more (Annex A
--              counts to the day the workbook was produced, not to the quarter end);
--              figure_basis 'annex_a', no figure at other quarter ends.
SELECT * FROM kpi_totals('kpis.kpi_cc04_three_placements_detail', 'CC04', 'social_care__episodes')
UNION ALL BY NAME
SELECT * FROM annex_a_totals('kpis.kpi_cc04_three_placements_detail', 'CC04',
                             'social_care__annex_a_list8_children_in_care', ['social_care__episodes'], snapshot_only := true)
