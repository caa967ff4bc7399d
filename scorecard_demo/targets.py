"""The seed report's Good Management figures (Q1 2023/24 report) the demo council reproduces.

Values are kept as the printed strings: their number of decimals is part of the target.
"""

from __future__ import annotations

from datetime import date

# Days lost per FTE in the quarter: (GM01 all spells, GM02 long-term spells, GM03 stress spells).
SICKNESS_TARGETS: dict[date, tuple[str, str, str]] = {
    date(2022, 6, 30): ("1.61", "1.03", "0.74"),
    date(2022, 9, 30): ("1.82", "1.09", "0.73"),
    date(2022, 12, 31): ("1.85", "0.87", "0.77"),
    date(2023, 3, 31): ("1.62", "0.79", "0.65"),
    date(2023, 6, 30): ("1.38", "0.95", "0.57"),
}

# GM05: leavers in the rolling year as a % of average headcount (Jun-22 is not reported).
TURNOVER_TARGETS: dict[date, str] = {
    date(2022, 9, 30): "14.9",
    date(2022, 12, 31): "14.7",
    date(2023, 3, 31): "13.3",
    date(2023, 6, 30): "12.7",
}

# GM04: % of the rolling year's appraisals completed and entered on SAP (only Jun-23 reported).
APPRAISAL_TARGETS: dict[date, str] = {
    date(2023, 6, 30): "68.0",
}
