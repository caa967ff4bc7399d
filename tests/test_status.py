"""The status (RAG) rule the marts use, fed with the seed's 24 rows and hand-worked cases."""

from __future__ import annotations

import pytest

SEED_POLARITY = {"Bigger is Better": "bigger_is_better", "Smaller is Better": "smaller_is_better"}


def status(con, actual, target, polarity, tolerance=0.05):
    return con.execute("SELECT kpi_status(?, ?, ?, ?)",
                       [actual, target, polarity, tolerance]).fetchone()[0]


def test_seed_rows_get_the_seed_status(macro_con, seed_rows):
    assert len(seed_rows) == 24
    for row in seed_rows:
        actual = float(row["actual_jun_23"]) if row["actual_jun_23"] else None
        target = float(row["target_jun_23"]) if row["target_jun_23"] else None
        got = status(macro_con, actual, target, SEED_POLARITY[row["polarity"]])
        assert got == row["status"], row["kpi_code"]


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "expected"),
    [
        # exactly on target counts as better, whichever the polarity
        (50.0, 50.0, "bigger_is_better", "better_than_target"),
        (50.0, 50.0, "smaller_is_better", "better_than_target"),
        (50.0, 50.0, "plan_is_best", "better_than_target"),
        # worse by exactly 5% of target is within tolerance; a hair more is significant
        (47.5, 50.0, "bigger_is_better", "worse_than_target"),
        (47.4, 50.0, "bigger_is_better", "significantly_worse_than_target"),
        (21.0, 20.0, "smaller_is_better", "worse_than_target"),
        (21.1, 20.0, "smaller_is_better", "significantly_worse_than_target"),
        (19.0, 20.0, "smaller_is_better", "better_than_target"),
        (51.0, 50.0, "bigger_is_better", "better_than_target"),
        # a zero target has no tolerance
        (0.0, 0.0, "smaller_is_better", "better_than_target"),
        (1.0, 0.0, "smaller_is_better", "significantly_worse_than_target"),
        (0.0, 0.0, "bigger_is_better", "better_than_target"),
        # plan is best: distance either side counts
        (52.5, 50.0, "plan_is_best", "worse_than_target"),
        (47.5, 50.0, "plan_is_best", "worse_than_target"),
        (53.0, 50.0, "plan_is_best", "significantly_worse_than_target"),
        (46.0, 50.0, "plan_is_best", "significantly_worse_than_target"),
        # negative target: tolerance is relative to its size
        (-9.6, -10.0, "smaller_is_better", "worse_than_target"),
        # no value, no target
        (None, 50.0, "bigger_is_better", "no_value"),
        (None, None, "bigger_is_better", "no_value"),
        (40.0, None, "bigger_is_better", "missing_target"),
    ],
)
def test_status_rule_by_hand(macro_con, actual, target, polarity, expected):
    assert status(macro_con, actual, target, polarity) == expected


def test_tolerance_is_a_parameter(macro_con):
    # 4% worse: within 5%, beyond 3%
    assert status(macro_con, 48.0, 50.0, "bigger_is_better", 0.05) == "worse_than_target"
    assert status(macro_con, 48.0, 50.0, "bigger_is_better", 0.03) == "significantly_worse_than_target"


@pytest.mark.parametrize(
    ("current", "earlier", "polarity", "target", "expected"),
    [
        (10.0, 12.0, "smaller_is_better", None, "improved"),
        (12.0, 10.0, "smaller_is_better", None, "worsened"),
        (12.0, 10.0, "bigger_is_better", None, "improved"),
        (10.0, 10.0, "bigger_is_better", None, "no_change"),
        (49.0, 45.0, "plan_is_best", 50.0, "improved"),
        (55.0, 51.0, "plan_is_best", 50.0, "worsened"),
        (49.0, 51.0, "plan_is_best", 50.0, "no_change"),
        (49.0, 45.0, "plan_is_best", None, None),
        (None, 45.0, "bigger_is_better", None, None),
    ],
)
def test_direction_of_travel(macro_con, current, earlier, polarity, target, expected):
    got = macro_con.execute("SELECT kpi_direction(?, ?, ?, ?)",
                            [current, earlier, polarity, target]).fetchone()[0]
    assert got == expected
