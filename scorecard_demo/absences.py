"""Sickness absence spells, calibrated so the days-lost KPIs (GM01-GM03) hit the seed report.

Each quarter is built in order. Spells already placed (including those carried in across the
previous quarter end) are counted first; the quarter's own awkward cases and the spells that will
run on into the next quarter are placed next; the remaining FTE-days are then filled category by
category (long-term stress, other long-term, short stress, other short) with spells wholly inside
the quarter, each fill aiming at what the KPI arithmetic still needs so that its small rounding
error is absorbed by the next. FTE is held in hundredths, so every sum is exact.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial

from scorecard_demo.calendar import (
    CALENDAR_LAST,
    WorkingCalendar,
    quarter_ends,
    quarter_start,
    working_calendar,
)
from scorecard_demo.draws import weighted
from scorecard_demo.fit import near_centre
from scorecard_demo.model import (
    FIRST_PERIOD_END,
    LAST_PERIOD_END,
    Employment,
    Spell,
)
from scorecard_demo.targets import SICKNESS_TARGETS

LONG_TERM_MORE_THAN = 20  # working days; a longer spell is long-term

SHORT_OTHER_REASONS = {
    "S01": 30,
    "S06": 15,
    "S07": 10,
    "S02": 10,
    "S03": 8,
    "S12": 8,
    "S08": 5,
    "S11": 3,
    "S09": 3,
    "S10": 3,
}
LONG_OTHER_REASONS = {"S08": 25, "S02": 20, "S03": 20, "S11": 10, "S12": 10, "S09": 8, "S10": 7}
STRESS_REASON_WEIGHTS = {"S04": 4, "S05": 6}

# Largest error, in hundredth-FTE-days, finishing spells may leave (the KPI tolerance is ~35).
FINISH_ERROR = 5
# Share of average FTE the quarter's short non-stress spells should make up.
SHORT_OTHER_SHARE = Fraction(22, 100)
MIN_LONG_FILL = 2500
MIN_SHORT_FILL = 500
ATTEMPTS = 80


@dataclass(frozen=True)
class SpellKind:
    """Lengths (working days) used for one family of spells, and when to switch to finishing.

    The greedy phase draws natural lengths while more than `tail_max` remains and never leaves
    less than `tail_min`, a remainder the finishing step can always meet with one or two spells.
    """

    length_weights: dict[int, int]
    finish_lengths: range
    tail_max: int
    tail_min: int


SHORT = SpellKind(
    length_weights={1: 30, 2: 20, 3: 18, 4: 10, 5: 10} | {n: 1 for n in range(6, 21)},
    finish_lengths=range(1, LONG_TERM_MORE_THAN + 1),
    tail_max=800,
    tail_min=300,
)
LONG = SpellKind(
    length_weights={n: 1 for n in range(LONG_TERM_MORE_THAN + 1, 46)},
    finish_lengths=range(LONG_TERM_MORE_THAN + 1, 51),
    tail_max=5000,
    tail_min=2000,
)


@dataclass(frozen=True)
class SicknessTotals:
    """FTE-days lost by children's staff in a quarter, in hundredths of an FTE-day."""

    all: int
    long: int
    stress: int


class SpellBook:
    """The spells placed so far, who is already off sick when, and the KPI arithmetic."""

    def __init__(self, cal: WorkingCalendar) -> None:
        self.cal = cal
        self.spells: list[Spell] = []
        self._busy: dict[int, list[Spell]] = defaultdict(list)

    def is_free(self, emp: Employment, start: date, end: date | None) -> bool:
        """Whether [start, end] is clear of, and not adjoining, any other spell of `emp`."""
        last = end or CALENDAR_LAST
        for other in self._busy[emp.index]:
            other_last = other.end or CALENDAR_LAST
            if start <= other_last + timedelta(days=1) and other.start <= last + timedelta(days=1):
                return False
        return True

    def add(self, emp: Employment, start: date, end: date | None, reason_code: str) -> Spell:
        spell = Spell(emp, start, end, reason_code)
        self.spells.append(spell)
        self._busy[emp.index].append(spell)
        return spell

    def remove(self, spell: Spell) -> None:
        self.spells.remove(spell)
        self._busy[spell.emp.index].remove(spell)

    def is_long(self, spell: Spell, period_end: date) -> bool:
        """Long-term: more than 20 working days over the whole spell (open: to the period end)."""
        return self.cal.count(spell.start, spell.end or period_end) > LONG_TERM_MORE_THAN

    def days_in_quarter(self, spell: Spell, period_end: date) -> int:
        """Working days of the spell inside the quarter on which the employee was in post."""
        first = max(spell.start, quarter_start(period_end), spell.emp.start)
        last = min(spell.end or period_end, period_end, spell.emp.leaving or period_end)
        return self.cal.count(first, last)

    def totals(self, period_end: date) -> SicknessTotals:
        all_h = long_h = stress_h = 0
        for spell in self.spells:
            if not spell.emp.is_childrens:
                continue
            fte_days = self.days_in_quarter(spell, period_end) * spell.emp.fte_h
            if not fte_days:
                continue
            all_h += fte_days
            long_h += fte_days if self.is_long(spell, period_end) else 0
            stress_h += fte_days if spell.is_stress else 0
        return SicknessTotals(all_h, long_h, stress_h)


class Quarter:
    """One quarter: its working days, the children's staff in post, and their average FTE."""

    def __init__(self, period_end: date, staff: list[Employment], cal: WorkingCalendar) -> None:
        self.end = period_end
        self.start = quarter_start(period_end)
        self.working_days = cal.between(self.start, period_end)
        self.childrens = [
            e
            for e in staff
            if e.is_childrens and e.start <= period_end and _not_gone(e, self.start)
        ]
        self.others = [
            e
            for e in staff
            if not e.is_childrens and e.start <= period_end and _not_gone(e, self.start)
        ]
        days = (period_end - self.start).days + 1
        fte_day_sum = sum(
            e.fte_h
            * ((min(period_end, e.leaving or period_end) - max(self.start, e.start)).days + 1)
            for e in self.childrens
        )
        self.average_fte_h = Fraction(fte_day_sum, days)

    def target_fte_days(self, days_per_fte: str) -> Fraction:
        """The FTE-days lost (hundredths) at which the KPI equals `days_per_fte`."""
        return Fraction(days_per_fte) * self.average_fte_h

    def value(self, fte_days_h: int) -> Fraction:
        return Fraction(fte_days_h) / self.average_fte_h


def _not_gone(emp: Employment, day: date) -> bool:
    return emp.leaving is None or emp.leaving >= day


def build_absences(rng: random.Random, staff: list[Employment]) -> list[Spell]:
    """Every spell from April 2020 to the extract, calibrated where the seed reports GM01-GM03."""
    cal = working_calendar()
    book = SpellBook(cal)
    period_ends = quarter_ends(FIRST_PERIOD_END, LAST_PERIOD_END)
    for period_end in period_ends:
        quarter = Quarter(period_end, staff, cal)
        targets = SICKNESS_TARGETS.get(period_end) or _plausible_targets(rng)
        _place_awkward_cases(book, rng, quarter, staff)
        if period_end != period_ends[-1]:
            _place_spells_into_next_quarter(book, rng, quarter)
        _calibrate_quarter(book, rng, quarter, targets)
        _place_other_directorates(book, rng, quarter)
    return sorted(book.spells, key=lambda s: (s.emp.pers_no, s.start))


def _plausible_targets(rng: random.Random) -> tuple[str, str, str]:
    """Days per FTE for a quarter the seed does not report, in the range the council reports."""
    all_days = rng.uniform(1.5, 2.0)
    return (
        f"{all_days:.2f}",
        f"{all_days * rng.uniform(0.50, 0.62):.2f}",
        f"{all_days * rng.uniform(0.36, 0.46):.2f}",
    )


def _calibrate_quarter(
    book: SpellBook, rng: random.Random, quarter: Quarter, targets: tuple[str, str, str]
) -> None:
    """Fill the quarter with spells wholly inside it until GM01, GM02 and GM03 are on target."""
    target_all, target_long, target_stress = (quarter.target_fte_days(t) for t in targets)
    placed = book.totals(quarter.end)
    need_all = target_all - placed.all
    need_long = target_long - placed.long
    need_stress = target_stress - placed.stress
    # Long-term stress counts in GM02 and GM03 at once; choose its share so the short non-stress
    # spells (GM01 only) make up a natural part of the total.
    overlap = need_long + need_stress - need_all
    long_stress = SHORT_OTHER_SHARE * quarter.average_fte_h + overlap
    long_stress = max(Fraction(MIN_LONG_FILL), overlap + MIN_SHORT_FILL, long_stress)
    if long_stress > min(need_long - MIN_LONG_FILL, need_stress - MIN_SHORT_FILL):
        raise RuntimeError(f"sickness targets for {quarter.end} cannot be met by new spells")

    fill = partial(_fill, book, rng, quarter)
    fill(LONG, STRESS_REASON_WEIGHTS, long_stress)
    fill(LONG, LONG_OTHER_REASONS, target_long - book.totals(quarter.end).long)
    fill(SHORT, STRESS_REASON_WEIGHTS, target_stress - book.totals(quarter.end).stress)
    fill(SHORT, SHORT_OTHER_REASONS, target_all - book.totals(quarter.end).all)

    result = book.totals(quarter.end)
    for measure, target in zip((result.all, result.long, result.stress), targets, strict=True):
        if not near_centre(quarter.value(measure), target):
            raise RuntimeError(f"calibration missed {target} days per FTE for {quarter.end}")


def _fill(
    book: SpellBook,
    rng: random.Random,
    quarter: Quarter,
    kind: SpellKind,
    reasons: dict[str, int],
    amount: Fraction,
) -> None:
    """Place spells inside the quarter adding up to `amount` hundredth-FTE-days (± FINISH_ERROR)."""
    remaining = amount
    while remaining > kind.tail_max:
        emp = rng.choice(quarter.childrens)
        length = weighted(rng, kind.length_weights)
        length = min(length, int((remaining - kind.tail_min) // emp.fte_h))
        if length < min(kind.finish_lengths):
            continue
        spell = _place_inside(book, rng, quarter, [emp], length, weighted(rng, reasons), attempts=3)
        if spell is not None:
            remaining -= length * emp.fte_h
    _finish(book, rng, quarter, kind, reasons, remaining)


def _finish(
    book: SpellBook,
    rng: random.Random,
    quarter: Quarter,
    kind: SpellKind,
    reasons: dict[str, int],
    remaining: Fraction,
) -> None:
    """Meet the last `remaining` FTE-days with one spell, or two, of well-chosen FTE and length."""
    by_fte: dict[int, list[Employment]] = defaultdict(list)
    for emp in quarter.childrens:
        by_fte[emp.fte_h].append(emp)
    target = round(remaining)
    by_product: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for fte in sorted(by_fte):
        for n in kind.finish_lengths:
            by_product[fte * n].append((fte, n))
    plans = [
        (option[1], abs(target - product), option)
        for product, options in by_product.items()
        if abs(target - product) <= FINISH_ERROR
        for option in options
    ]
    if not plans:
        plans = [
            (a[1] + b[1], abs(target - a_product - b_product), a, b)
            for a_product, a_options in by_product.items()
            for b_product in range(
                target - a_product - FINISH_ERROR, target - a_product + FINISH_ERROR + 1
            )
            for a in a_options
            for b in by_product.get(b_product, ())
            if a <= b
        ]
    for plan in sorted(plans):
        placed = []
        for fte, length in plan[2:]:
            spell = _place_inside(book, rng, quarter, by_fte[fte], length, weighted(rng, reasons))
            if spell is None:
                break
            placed.append(spell)
        if len(placed) == len(plan) - 2:
            return
        for spell in placed:
            book.remove(spell)
    raise RuntimeError(f"no spells make up {float(remaining):.0f} FTE-days in {quarter.end}")


def _place_inside(
    book: SpellBook,
    rng: random.Random,
    quarter: Quarter,
    candidates: list[Employment],
    length: int,
    reason_code: str,
    attempts: int = ATTEMPTS,
) -> Spell | None:
    """A spell of `length` working days inside the quarter for someone free and in post."""
    latest_start = len(quarter.working_days) - length
    if latest_start < 0 or not candidates:
        return None
    for _ in range(attempts):
        emp = rng.choice(candidates)
        start = quarter.working_days[rng.randint(0, latest_start)]
        end = book.cal.spell_end(start, length)
        if emp.in_post_throughout(start, end) and book.is_free(emp, start, end):
            return book.add(emp, start, end, reason_code)
    return None


def _place_spells_into_next_quarter(book: SpellBook, rng: random.Random, quarter: Quarter) -> None:
    """Long spells that start late in the quarter and end in the next.

    They start in the quarter's last three weeks and run at least 15 working days on, so every
    December one spans Christmas and New Year and every March one spans Easter.
    """
    for _ in range(rng.randint(1, 3)):
        days_before_end = rng.randint(5, 15)
        start = quarter.working_days[-days_before_end]
        end = book.cal.spell_end(start, days_before_end + rng.randint(15, 40))
        reasons = STRESS_REASON_WEIGHTS if rng.random() < 0.4 else LONG_OTHER_REASONS
        for _ in range(ATTEMPTS):
            emp = rng.choice(quarter.childrens)
            if emp.in_post_throughout(start, end) and book.is_free(emp, start, end):
                book.add(emp, start, end, weighted(rng, reasons))
                break


def _place_other_directorates(book: SpellBook, rng: random.Random, quarter: Quarter) -> None:
    """Absence outside Children's: the KPIs must ignore it, so it only has to look real."""
    for emp in quarter.others:
        draw = rng.random()
        if draw < 0.04:
            length, reasons = rng.randint(21, 45), LONG_OTHER_REASONS
        elif draw < 0.34:
            length, reasons = weighted(rng, SHORT.length_weights), SHORT_OTHER_REASONS
        else:
            continue
        if rng.random() < 0.3:
            reasons = STRESS_REASON_WEIGHTS
        _place_inside(book, rng, quarter, [emp], length, weighted(rng, reasons), attempts=3)


def _place_awkward_cases(
    book: SpellBook, rng: random.Random, quarter: Quarter, staff: list[Employment]
) -> None:
    """The hand-picked edge cases a correct pipeline must get right, each in its own quarter."""
    if quarter.end == date(2022, 12, 31):
        # Exactly 20 working days is not long-term; 21 is.
        _place_inside(book, rng, quarter, quarter.childrens, 20, "S02")
        _place_inside(book, rng, quarter, quarter.childrens, 21, "S03")
    if quarter.end == date(2023, 3, 31):
        _place_spell_past_leaving_date(book, quarter)
    if quarter.end == date(2023, 6, 30):
        _place_spells_at_extract_date(book, rng, quarter, staff)


def _place_spell_past_leaving_date(book: SpellBook, quarter: Quarter) -> None:
    """A spell SAP recorded as running on after the employee left: only in-post days count.

    Leaving dates are working days (see staff.py), so the spell can be measured from one.
    """
    cal = book.cal
    for emp in quarter.childrens:
        if emp.leaving is None or not date(2023, 2, 6) <= emp.leaving <= date(2023, 3, 3):
            continue
        start, end = cal.shift(emp.leaving, -12), cal.shift(emp.leaving, 15)
        if emp.start < start and book.is_free(emp, start, end):
            book.add(emp, start, end, "S05")
            return
    raise RuntimeError("no children's leaver free for the spell past a leaving date")


def _place_spells_at_extract_date(
    book: SpellBook, rng: random.Random, quarter: Quarter, staff: list[Employment]
) -> None:
    """Spells still open at the extract (no end), and one closed after P but before the extract."""
    still_employed = [e for e in quarter.childrens if e.leaving is None]
    open_start = date(2023, 5, 15)
    closed_end = date(2023, 7, 5)
    closed_start = book.cal.shift(closed_end, -17)
    for start, end, reason in ((open_start, None, "S05"), (closed_start, closed_end, "S08")):
        emp = next(
            e
            for e in rng.sample(still_employed, len(still_employed))
            if e.start < start and book.is_free(e, start, end)
        )
        book.add(emp, start, end, reason)
    other = next(e for e in staff if not e.is_childrens and e.leaving is None)
    book.add(other, date(2023, 6, 5), None, "S02")
