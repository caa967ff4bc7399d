"""Short breaks (legal status V3/V4): episodes every KPI must drop before anything else.

Six disabled children have short breaks with independent-agency foster carers and are otherwise
never looked after. Three have an agreement recorded as a single V4 episode open across every
seed quarter end: counted, each would add a fostered child outside the council's own provision
(CC01) and a child looked after (CC04). Three have individual V3 breaks each month, one spanning
every seed quarter end: counted, each break would be a new period and placement, giving children
looked after with far more than three placements in the year (CC01, CC04, CC06). Together they
would move CC01 and CC04 by more than a rounding step at every seed quarter end. The V3 children
also have school attendance rows (CC05).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import add_months
from scorecard_demo.csc_model import ETHNICITIES, IdPool, synthetic_postcode, synthetic_upn
from scorecard_demo.csc_targets import SEED_PERIOD_ENDS
from scorecard_demo.lac_model import LacChild, Period, Place

FIRST_BREAK = date(2021, 9, 3)
LAST_BREAK = date(2023, 6, 16)


AGREEMENTS = ((date(2011, 3, 14), date(2022, 3, 7)), (date(2009, 8, 2), date(2021, 11, 22)),
              (date(2014, 1, 20), date(2022, 1, 10)))
SERIES = (date(2012, 10, 2), date(2010, 5, 27), date(2013, 12, 9))


def build_short_breaks(rng: random.Random, ids: IdPool) -> list[LacChild]:
    children = []
    for dob, start in AGREEMENTS:
        child = _child(rng, ids, dob)
        child.periods.append(Period(
            child=child, start=start, end=None, end_rec=None, ls="V4",
            place=Place("U6", "PR4", synthetic_postcode(rng), "XXXXXXX"), cin="N2",
        ))
        children.append(child)
    for dob in SERIES:
        child = _child(rng, ids, dob)
        place = Place("U6", rng.choice(("PR4", "PR5")), synthetic_postcode(rng), "XXXXXXX")
        starts = set()
        month = FIRST_BREAK
        while month <= LAST_BREAK:
            starts.add(month + timedelta(days=rng.randint(0, 20)))
            month = add_months(month, 1)
        starts |= {end - timedelta(days=rng.randint(0, 1)) for end in SEED_PERIOD_ENDS}
        for start in sorted(starts):
            child.periods.append(Period(
                child=child, start=start, end=start + timedelta(days=3), end_rec="E13", ls="V3",
                place=place, cin="N2",
            ))
        _no_overlap(child)
        children.append(child)
    return children


def _child(rng: random.Random, ids: IdPool, dob: date) -> LacChild:
    return LacChild(
        id=ids.child_id(), dob=dob, sex=rng.choice("12"), ethnic=ETHNICITIES.draw(rng),
        upn=synthetic_upn(rng), home_post=synthetic_postcode(rng),
    )


def _no_overlap(child: LacChild) -> None:
    kept: list[Period] = []
    for period in child.periods:
        if kept and period.start <= kept[-1].end:
            continue
        kept.append(period)
    child.periods = kept
