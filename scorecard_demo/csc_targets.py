"""The figures the demo council's children's social care data reproduce.

Seed figures are the Q1 2023/24 report's (kept as the printed strings: their decimals are part of
the target). Quarters before Jun-22 are not in the report; their figures here are invented but
plausible, so that the history the pipeline shows looks like one council's. The generator steers
every calibrated quarter to its figure; docs/social_care_spec.md defines each KPI.
"""

from __future__ import annotations

from datetime import date

from scorecard_demo.calendar import quarter_ends

SEED_PERIOD_ENDS = tuple(quarter_ends(date(2022, 6, 30), date(2023, 6, 30)))
EARLY_PERIOD_ENDS = tuple(quarter_ends(date(2020, 6, 30), date(2022, 3, 31)))
# Quarter ends the generator calibrates: the reported history from Jun-20.
CALIBRATED_PERIOD_ENDS = EARLY_PERIOD_ENDS + SEED_PERIOD_ENDS
JUN_22, SEP_22, DEC_22, MAR_23, JUN_23 = SEED_PERIOD_ENDS


def _series(early: str, seed: str) -> dict[date, str]:
    values = early.split() + seed.split()
    assert len(values) == len(CALIBRATED_PERIOD_ENDS)
    return dict(zip(CALIBRATED_PERIOD_ENDS, values, strict=True))


# fmt: off
# Percentages, Jun-20 .. Mar-22 (invented) then Jun-22 .. Jun-23 (seed).
TARGETS: dict[str, dict[date, str]] = {
    "QA01": _series("45.0 42.0 38.0 44.0 41.0 39.0 43.0 46.0", "40.0 34.0 47.0 53.0 48.0"),
    "QA02": _series("84.2 85.0 83.7 84.9 85.6 86.1 85.3 86.0", "85.9 86.5 85.1 86.5 87.3"),
    "CA01": _series("22.1 23.4 21.8 22.9 23.7 24.8 23.5 25.1", "24.3 26.2 27.0 28.6 26.3"),
    "CA02": _series("70.2 71.5 69.8 72.4 73.1 71.0 70.4 74.2", "72.8 68.5 70.7 75.9 75.7"),
    "HP01": _series("78.5 80.1 79.4 82.0 80.7 77.9 79.2 81.5", "80.4 81.0 73.6 75.4 84.1"),
    "HP02": _series("24.1 26.3 22.8 25.0 23.9 27.5 29.8 27.1", "23.2 42.0 20.5 22.4 31.7"),
    # Plans open two years or more: none can be before 2021, the census starting in 2019.
    "HP03": _series("0.0 0.0 0.0 0.2 0.7 1.4 2.0 2.7", "3.4 3.1 1.3 1.8 3.9"),
    "HP04": _series("68.5 70.2 66.9 72.0 69.4 70.8 73.5 70.1", "71.3 65.0 67.1 89.2 93.0"),
    "CC01": _series("64.0 64.5 65.0 65.2 65.8 65.5 66.1 65.9", "66.0 66.0 67.0 68.0 68.0"),
    "CC02": _series("65.1 64.2 66.0 64.8 63.9 65.3 64.4 63.5", "64.0 63.0 62.3 66.1 63.8"),
    "CC03": _series("93.2 94.0 95.1 94.4 95.0 93.8 94.9 95.3", "94.5 96.0 96.0 98.0 98.0"),
    "CC04": _series("11.8 12.5 13.0 12.2 11.5 12.9 13.4 12.6", "12.3 14.1 13.8 14.8 14.6"),
    "CC05": _series("23.0 15.1 22.4 23.5 22.8 14.9 23.7 24.1", "24.5 16.4 24.8 25.1 27.9"),
    "CC06": _series("9.5 12.0 8.8 10.6 7.9 11.2 9.1 12.4", "13.6 4.8 6.1 11.5 3.4"),
    "CL01": _series("89.5 90.2 91.0 90.4 92.1 91.5 92.6 93.0", "94.0 90.7 91.9 91.1 94.1"),
    "CL02": _series("53.0 51.8 52.5 54.1 55.3 54.6 56.0 55.2", "56.7 55.0 56.4 58.5 52.0"),
}
# fmt: on

# CA03 (contacts decided in time) has no history before Jun-23.
CA03_TARGET = {JUN_23: "66.9"}

# HP02's rolling 12 months (sum of four quarters' numerators over their denominators), from the
# report's commentary; the quarters Sep-21..Mar-22 above are chosen so that 26.9 is reachable.
HP02_ROLLING = {JUN_22: "26.9", JUN_23: "29.4"}

# HP03's numerator (plans open two years or more) where the commentary gives it.
HP03_COUNT = {JUN_23: 22}

# Care leavers, commentary breakdowns: all ages 17-21 and the youngest group (17-18).
# CL02's all-ages figures for Mar-23 (58.2) and Jun-23 (50.5) cannot be met together with the
# seed's 19-21 figures and the other breakdowns (see care_leavers.py), so they are not targets.
CL01_ALL_AGES = {JUN_23: "92"}
CL01_YOUNGEST = {JUN_23: "87"}
CL02_ALL_AGES = {JUN_22: "57.5"}
CL02_YOUNGEST = {JUN_22: "60.7", MAR_23: "62.1", JUN_23: "48.6"}
