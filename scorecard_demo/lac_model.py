"""Children looked after (SSDA903): the records the generator builds, and its own arithmetic for
the snapshot KPIs it steers (CC01, CC02, CC04, CC06), following docs/social_care_spec.md.

A period of care is kept as its start, its end and the events inside it; episodes are derived
when the files are written. An event changes the legal status ('legal') or the placement
('move'); `new_placement` says whether a new placement (new carers) starts there. A 'legal' event
is rne L (same placement) or B (legal status, placement and carers); a 'move' event keeps the legal
status and is rne T (placement, same carers) or P (placement and carers). DfE's T and U keep the
carers, so neither starts a placement (U, legal status and placement with the same carers, is
not generated: a legal event here never changes the placement without the carers).
Each placement's place code and provider live on the event (or period) that starts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from scorecard_demo.calendar import add_months
from scorecard_demo.csc_model import age_on, birthday

FOSTER_CODES = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION_CODES = ("A3", "A4", "A5", "A6")
OWN_PROVISION = "PR1"
LONG_TERM_CODE = {"U6": "U4", "U3": "U1", "U5": "U4", "U2": "U1"}


@dataclass(eq=False)
class Place:
    code: str
    provider: str
    postcode: str
    urn: str

    @property
    def fostered(self) -> bool:
        return self.code in FOSTER_CODES


@dataclass(eq=False)
class Event:
    day: date
    kind: str  # 'legal' or 'move'
    ls: str  # legal status from this day
    new_placement: bool
    place: Place | None = None  # the new placement's place (when new_placement)
    reason: str | None = None  # REASON_PLACE_CHANGE
    cin: str | None = None

    @property
    def rne(self) -> str:
        if self.kind == "legal":
            return "B" if self.new_placement else "L"
        return "P" if self.new_placement else "T"


@dataclass(eq=False)
class Period:
    child: LacChild
    start: date
    end: date | None
    end_rec: str | None
    ls: str  # legal status at the start
    place: Place  # the first placement's place
    cin: str
    events: list[Event] = field(default_factory=list)
    locked: bool = False  # an awkward case: calibration leaves it alone

    def looked_after(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)

    def placements(self) -> list[tuple[date, date | None, Place]]:
        """(start, end, place) of each placement in the period."""
        starts = [(self.start, self.place)]
        starts += [(e.day, e.place) for e in self.events if e.new_placement]
        result = []
        for i, (start, place) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else self.end
            result.append((start, end, place))
        return result

    def placement_at(self, day: date) -> tuple[date, date | None, Place]:
        current = None
        for placement in self.placements():
            if placement[0] <= day:
                current = placement
        return current

    def ls_at(self, day: date) -> str:
        ls = self.ls
        for event in self.events:
            if event.day <= day:
                ls = event.ls
        return ls

    def last_event_day(self) -> date:
        return self.events[-1].day if self.events else self.start


@dataclass(eq=False)
class LacChild:
    id: str
    dob: date
    sex: str
    ethnic: str
    upn: str
    home_post: str
    pinned: bool = False  # a care leaver to be: in care past 16, start and end fixed
    periods: list[Period] = field(default_factory=list)

    def period_at(self, day: date) -> Period | None:
        for period in self.periods:
            if period.looked_after(day):
                return period
        return None

    def placements(self) -> list[tuple[date, date | None, Place]]:
        return [p for period in self.periods for p in period.placements()]

    def cap(self) -> date:
        """The last day a child who is not a care leaver to be may be in care (before 16)."""
        return birthday(self.dob, 16) - timedelta(days=1)


def rolling_year_start(period_end: date) -> date:
    return add_months(period_end, -12) + timedelta(days=1)


def cc01_status(child: LacChild, period_end: date) -> tuple[bool, bool]:
    """(fostered at P, fostered in the council's own provision)."""
    period = child.period_at(period_end)
    if period is None:
        return False, False
    place = period.placement_at(period_end)[2]
    return place.fostered, place.fostered and place.provider == OWN_PROVISION


def cc02_status(child: LacChild, period_end: date) -> tuple[bool, bool]:
    """(in CC02's denominator, in its numerator)."""
    period = child.period_at(period_end)
    if period is None or age_on(child.dob, period_end) >= 16:
        return False, False
    if period.start > add_months(period_end, -30):
        return False, False
    placements = period.placements()
    current = max(i for i, p in enumerate(placements) if p[0] <= period_end)
    two_years_before = add_months(period_end, -24)
    start, _, place = placements[current]
    if start <= two_years_before:
        return True, True
    # LAIT 393: placed for adoption, and the adoptive placement together with the previous one
    # lasts 2 years
    return True, (place.code in ADOPTION_CODES and current > 0
                  and placements[current - 1][0] <= two_years_before)


def placement_count(child: LacChild, period_end: date) -> int:
    """Placements overlapping the 12 months to P (all the child's periods)."""
    first = rolling_year_start(period_end)
    return sum(
        1 for start, end, _ in child.placements()
        if start <= period_end and (end is None or end >= first)
    )


def cc04_status(child: LacChild, period_end: date) -> tuple[bool, bool]:
    if child.period_at(period_end) is None:
        return False, False
    return True, placement_count(child, period_end) >= 3


def returned_within_year(period: Period) -> bool:
    """CC06: the child's previous period of care ended on or after start - 12 months."""
    earlier = [p for p in period.child.periods if p.start < period.start]
    if not earlier:
        return False
    previous = max(earlier, key=lambda p: p.start)
    return previous.end is not None and previous.end >= add_months(period.start, -12)
