"""Child protection plans, calibrated for HP02 (second or subsequent plans) and HP03 (plans open
two years or more).

1. Plans starting per quarter and how many of them are subsequent plans are fitted first, the
   quarters of each rolling year together so that the commentary's rolling figures also hold.
2. Plans that reach two years are built quarter end by quarter end so that exactly the fitted
   number is open and two years old at each one; every other plan lasts under two years.
3. Ordinary plans fill each quarter's starts; then ends near each quarter end are nudged so that
   the number of open plans is the fitted denominator (a nudge never crosses another quarter end).
4. Plans are given to children in start order: a first plan to a child with none before, a
   subsequent plan to a child whose earlier plan ended (a plan reopened) or to a child whose
   earlier plans predate the census (NumberOfPreviousCPP). Each plan hangs off a referral a few
   weeks before it, which stays open for the plan's life and never overlaps the child's next.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_ends, quarter_start
from scorecard_demo.cin_model import CpPlan, Referral, Section47
from scorecard_demo.csc_fit import SHARES, by_distance, choose, numerator_for, within
from scorecard_demo.csc_model import (
    EXTRACT_DATE,
    Weights,
    age_on,
    working_day_after,
    working_days_in,
)
from scorecard_demo.csc_targets import (
    CALIBRATED_PERIOD_ENDS,
    HP02_ROLLING,
    HP03_COUNT,
    SEED_PERIOD_ENDS,
    TARGETS,
)

PLAN_QUARTER_ENDS = tuple(quarter_ends(date(2019, 3, 31), date(2023, 6, 30)))
FIRST_PLAN_DAY = date(2019, 1, 21)
EARLY_HP02 = {
    date(2019, 3, 31): "21.7",
    date(2019, 6, 30): "24.5",
    date(2019, 9, 30): "23.0",
    date(2019, 12, 31): "25.4",
    date(2020, 3, 31): "24.2",
}
NOMINAL_STARTS = 172
EARLY_NOMINAL_STARTS = {date(2019, 3, 31): 95, date(2019, 6, 30): 150}
NOMINAL_OPEN = 566
TWO_YEARS = 730  # days: a plan open at P with P - start > 729 days counts for HP03
LONG_SURVIVAL = 0.75
ORDINARY_DAYS = Weights(
    {(40, 120): 15, (121, 240): 30, (241, 420): 35, (421, 600): 15, (601, 700): 5}
)
CATEGORIES = Weights({"NEG": 50, "EMO": 36, "PHY": 8, "SAB": 4, "MUL": 2})
REOPEN_SHARE = 0.55
REFERRAL_LEAD_DAYS = (12, 75)
NUDGE_DAYS = 45
TAIL_PLAN_STARTS = 12


def build_plans(rng: random.Random, referrals: list[Referral]) -> list[CpPlan]:
    """Every CP plan, attached to its referral (with its section 47 enquiry), in start order."""
    starts = fit_starts()
    counts = fit_open_counts()
    plans = _long_plans(rng, counts)
    steered = set(plans)  # plans that reach two years: their ends are never nudged
    for quarter_end in PLAN_QUARTER_ENDS:
        first = max(quarter_start(quarter_end), FIRST_PLAN_DAY)
        fixed = [p for p in plans if first <= p.start <= quarter_end]
        days = working_days_in(first, quarter_end)
        for _ in range(starts[quarter_end][0] - len(fixed)):
            plans.append(_ordinary(rng, rng.choice(days)))
    tail_days = working_days_in(date(2023, 7, 3), EXTRACT_DATE)
    plans += [_ordinary(rng, rng.choice(tail_days)) for _ in range(TAIL_PLAN_STARTS)]
    plans.sort(key=lambda p: p.start)
    for period_end, (denominator, _) in counts.items():
        if denominator is not None:
            _nudge_open_count(rng, plans, period_end, denominator, steered)
    _mark_subsequent(rng, plans, starts)
    _attach(rng, plans, referrals)
    return plans


def plan_target(quarter_end: date) -> str:
    return TARGETS["HP02"].get(quarter_end) or EARLY_HP02[quarter_end]


def fit_starts() -> dict[date, tuple[int, int]]:
    """(plans starting, of which subsequent) per quarter, rolling years fitted jointly."""
    fitted: dict[date, tuple[int, int]] = {}
    groups = {end: PLAN_QUARTER_ENDS[i - 3 : i + 1] for i, end in enumerate(PLAN_QUARTER_ENDS)
              if end in HP02_ROLLING}
    grouped = {q for group in groups.values() for q in group}
    for quarter_end in PLAN_QUARTER_ENDS:
        if quarter_end not in grouped:
            nominal = EARLY_NOMINAL_STARTS.get(quarter_end, NOMINAL_STARTS)
            fitted[quarter_end] = choose(
                by_distance(nominal, nominal - 30, nominal + 40), plan_target(quarter_end)
            )
    for rolling_end, group in groups.items():
        fitted.update(_fit_rolling(group, HP02_ROLLING[rolling_end]))
    return fitted


def _fit_rolling(group: tuple[date, ...], rolling: str) -> dict[date, tuple[int, int]]:
    options = []
    for quarter_end in group:
        target = plan_target(quarter_end)
        pairs = [(d, numerator_for(d, target, SHARES[1])) for d in range(140, 221)]
        options.append([(d, n) for d, n in pairs if n is not None])
    for share in SHARES:
        best = None
        for combo in itertools.product(*options):
            total_d = sum(d for d, _ in combo)
            total_n = sum(n for _, n in combo)
            if within(total_n, total_d, rolling, share):
                cost = sum(abs(d - NOMINAL_STARTS) for d, _ in combo)
                if best is None or cost < best[0]:
                    best = (cost, combo)
        if best:
            return dict(zip(group, best[1], strict=True))
    raise RuntimeError(f"no quarters fit the rolling HP02 figure {rolling}")


def fit_open_counts() -> dict[date, tuple[int | None, int]]:
    """(plans open, of which open two years or more) per quarter end. Before Jun-22 only the
    two-year count is steered; the open count is whatever the plans give."""
    counts: dict[date, tuple[int | None, int]] = {}
    for period_end in CALIBRATED_PERIOD_ENDS:
        target = TARGETS["HP03"][period_end]
        if period_end not in SEED_PERIOD_ENDS:
            counts[period_end] = (None, round(float(target) * NOMINAL_OPEN / 100))
        elif period_end in HP03_COUNT:
            numerator = HP03_COUNT[period_end]
            denominator = next(
                d for share in SHARES for d in by_distance(NOMINAL_OPEN, 500, 640)
                if within(numerator, d, target, share)
            )
            counts[period_end] = (denominator, numerator)
        else:
            denominator, numerator = choose(by_distance(NOMINAL_OPEN, 530, 610), target)
            counts[period_end] = (denominator, numerator)
    return counts


def _new_plan(rng: random.Random, start: date, end: date | None) -> CpPlan:
    initial = CATEGORIES.draw(rng)
    latest = initial if rng.random() < 0.85 else CATEGORIES.draw(rng)
    return CpPlan(start=start, end=end, initial_category=initial, latest_category=latest)


def _ordinary(rng: random.Random, start: date) -> CpPlan:
    low, high = ORDINARY_DAYS.draw(rng)
    end = start + timedelta(days=rng.randint(low, high))
    return _new_plan(rng, start, end if end <= EXTRACT_DATE else None)


def plan_awkward_cases(rng: random.Random) -> list[CpPlan]:
    """Two plans open at Jun-23: one started exactly 730 days before (counts as two years), one
    729 days before (does not)."""
    jun_23 = SEED_PERIOD_ENDS[-1]
    return [
        _new_plan(rng, jun_23 - timedelta(days=TWO_YEARS), None),
        _new_plan(rng, jun_23 - timedelta(days=TWO_YEARS - 1), None),
    ]


def open_at(plan: CpPlan, day: date) -> bool:
    return plan.start <= day and (plan.end is None or plan.end > day)


def two_years_at(plan: CpPlan, day: date) -> bool:
    return open_at(plan, day) and (day - plan.start).days > TWO_YEARS - 1


def _long_plans(rng: random.Random, counts: dict[date, tuple[int | None, int]]) -> list[CpPlan]:
    """Plans open two years or more at quarter ends, exactly the fitted number at each."""
    plans = plan_awkward_cases(rng)
    fixed = set(plans)
    undecided: list[CpPlan] = []
    previous = quarter_start(CALIBRATED_PERIOD_ENDS[0]) - timedelta(days=1)
    for period_end in CALIBRATED_PERIOD_ENDS:
        need = counts[period_end][1]
        counted_fixed = [p for p in fixed if two_years_at(p, period_end)]
        keep = min(len(undecided), max(0, round(LONG_SURVIVAL * need) - len(counted_fixed)))
        keep = min(keep, need - len(counted_fixed))
        rng.shuffle(undecided)
        for plan in undecided[keep:]:
            plan.end = previous + timedelta(days=rng.randint(1, (period_end - previous).days))
        undecided = undecided[:keep]
        first_start = max(previous - timedelta(days=TWO_YEARS - 1), FIRST_PLAN_DAY)
        last_start = period_end - timedelta(days=TWO_YEARS)
        days = working_days_in(first_start, last_start)
        for _ in range(need - len(counted_fixed) - keep):
            plan = _new_plan(rng, rng.choice(days), None)
            undecided.append(plan)
            plans.append(plan)
        previous = period_end
    return plans


def _nudge_open_count(
    rng: random.Random, plans: list[CpPlan], period_end: date, denominator: int,
    steered: set[CpPlan],
) -> None:
    """Move the ends of ordinary plans ending near `period_end` across it until exactly
    `denominator` plans are open there. Ends stay between the neighbouring quarter ends."""
    index = CALIBRATED_PERIOD_ENDS.index(period_end)
    previous = CALIBRATED_PERIOD_ENDS[index - 1] if index else period_end - timedelta(days=91)
    following = (
        CALIBRATED_PERIOD_ENDS[index + 1] if index + 1 < len(CALIBRATED_PERIOD_ENDS) else None
    )
    open_now = [p for p in plans if open_at(p, period_end)]
    excess = len(open_now) - denominator
    window = timedelta(days=NUDGE_DAYS)
    if excess > 0:
        movable = [
            p for p in open_now
            if p not in steered and (p.end is None or p.end <= period_end + window)
            and (period_end - p.start).days > 60 and not two_years_at(p, period_end)
        ]
        rng.shuffle(movable)
        if len(movable) < excess:
            raise RuntimeError(f"cannot close {excess} plans before {period_end}")
        for plan in movable[:excess]:
            low = max(previous, plan.start + timedelta(days=30)) + timedelta(days=1)
            plan.end = low + timedelta(days=rng.randint(0, (period_end - low).days))
    elif excess < 0:
        movable = [
            p for p in plans
            if p not in steered and p.end is not None and previous < p.end <= period_end
            and p.end >= period_end - window and p.start < p.end
            and (period_end - p.start).days < TWO_YEARS - 1
        ]
        rng.shuffle(movable)
        if len(movable) < -excess:
            raise RuntimeError(f"cannot keep {-excess} more plans open at {period_end}")
        for plan in movable[:-excess]:
            if following is None:
                plan.end = None if rng.random() < 0.7 else period_end + timedelta(
                    days=rng.randint(1, (EXTRACT_DATE - period_end).days))
            else:
                last = min(following - timedelta(days=1), period_end + window)
                plan.end = period_end + timedelta(days=rng.randint(1, (last - period_end).days))


def _mark_subsequent(
    rng: random.Random, plans: list[CpPlan], starts: dict[date, tuple[int, int]]
) -> None:
    for quarter_end in PLAN_QUARTER_ENDS:
        first = quarter_start(quarter_end)
        own = [p for p in plans if first <= p.start <= quarter_end]
        count, subsequent = starts[quarter_end]
        if len(own) != count:
            raise RuntimeError(f"{len(own)} plans start in the quarter to {quarter_end}")
        for plan in rng.sample(own, subsequent):
            plan.subsequent = True
    for plan in plans:
        if plan.start > PLAN_QUARTER_ENDS[-1]:
            plan.subsequent = rng.random() < 0.25


def _attach(rng: random.Random, plans: list[CpPlan], referrals: list[Referral]) -> None:
    dates = [r.date for r in referrals]
    plans_of: dict[str, list[CpPlan]] = {}
    for plan in plans:
        low = bisect_left(dates, plan.start - timedelta(days=REFERRAL_LEAD_DAYS[1]))
        high = bisect_left(dates, plan.start - timedelta(days=REFERRAL_LEAD_DAYS[0]) + timedelta(1))
        referral = None
        if plan.subsequent and rng.random() < REOPEN_SHARE:
            referral = _find(rng, referrals, low, high, plan, plans_of, reopen=True)
        if referral is None:
            referral = _find(rng, referrals, low, high, plan, plans_of, reopen=False)
        if referral is None:
            raise RuntimeError(f"no referral for a plan starting {plan.start}")
        earlier = plans_of.setdefault(referral.child.id, [])
        plan.previous_plans = len(earlier) if earlier else (
            rng.choice((1, 1, 1, 2, 3)) if plan.subsequent else 0)
        earlier.append(plan)
        plan.referral = referral
        referral.plans.append(plan)
        _lengthen(rng, referral, plan)
        referral.section47s.append(_section47(rng, referral, plan))


def _find(rng, referrals, low, high, plan, plans_of, reopen: bool) -> Referral | None:
    if high <= low:
        return None
    tries = 400 if reopen else 4000
    for _ in range(tries):
        referral = referrals[rng.randrange(low, high)]
        earlier = plans_of.get(referral.child.id)
        if reopen != bool(earlier):
            continue
        if _fits(referral, plan, earlier):
            return referral
    return None


def _fits(referral: Referral, plan: CpPlan, earlier: list[CpPlan] | None) -> bool:
    if referral.reserved or referral.plans:
        return False
    child = referral.child
    if age_on(child.dob, plan.end or EXTRACT_DATE) >= 18 or child.dob >= referral.date:
        return False
    if earlier and any(p.end is None or p.end >= referral.date for p in earlier):
        return False
    following = referral.next_referral()
    if following is not None and (plan.end is None or following.date <= plan.end + timedelta(2)):
        return False
    return True


def _lengthen(rng: random.Random, referral: Referral, plan: CpPlan) -> None:
    """The referral stays open for the plan's life and a little after, never into the next."""
    if plan.end is None:
        referral.closure = None
        return
    closure = plan.end + timedelta(days=rng.randint(0, 40))
    following = referral.next_referral()
    if following is not None:
        closure = min(closure, following.date - timedelta(days=1))
    if referral.closure is not None and referral.closure > closure:
        closure = referral.closure
    referral.closure = closure if closure <= EXTRACT_DATE else None


def _section47(rng: random.Random, referral: Referral, plan: CpPlan) -> Section47:
    start = working_day_after(plan.start, -rng.randint(6, 15))
    if start < referral.date:
        start = referral.date
    return Section47(
        start=start,
        icpc_target=working_day_after(start, 15),
        icpc=plan.start,
        icpc_not_required=False,
    )
