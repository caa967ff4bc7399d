"""Steering the looked-after snapshot KPIs (CC02, CC04, CC01) quarter end by quarter end.

Only what happens inside the quarter (after the previous quarter end, up to this one) is ever
changed, so a quarter end, once steered, never moves again:
- a child leaves care inside the quarter instead of after it (pull), or stays past the quarter
  end instead of leaving inside it (push) - this moves denominators;
- a placement move is added inside the quarter (insert), or a move inside the quarter becomes a
  change with the same carer, rne T or L (merge) - this moves CC02's and CC04's numerators;
- a placement that began inside the quarter gets another place or provider - this moves CC01.
CC02 is steered first, then CC04 without disturbing CC02, then CC01 (which moves neither).
Children with later periods of care, care leavers to be and the awkward cases are never pulled
or pushed, so CC06 and the care leaver list keep what lac_periods.py gave them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from scorecard_demo.calendar import quarter_start
from scorecard_demo.csc_fit import SHARES, by_distance, numerator_for
from scorecard_demo.csc_model import EXTRACT_DATE, Weights, age_on, random_day
from scorecard_demo.csc_targets import CALIBRATED_PERIOD_ENDS, TARGETS
from scorecard_demo.lac_model import (
    OWN_PROVISION,
    Event,
    LacChild,
    Period,
    cc01_status,
    cc02_status,
    placement_count,
)
from scorecard_demo.lac_periods import CHANGE_REASONS, make_place, new_place

PULLED_END = Weights({"E4A": 40, "E13": 30, "E45": 20, "E41": 10})
PUSH_DAYS = 60
SHARE_COST = 4


def calibrate_looked_after(rng: random.Random, children: list[LacChild]) -> None:
    previous = quarter_start(CALIBRATED_PERIOD_ENDS[0]) - timedelta(days=1)
    for i, period_end in enumerate(CALIBRATED_PERIOD_ENDS):
        following = CALIBRATED_PERIOD_ENDS[i + 1] if i + 1 < len(CALIBRATED_PERIOD_ENDS) else None
        # Each quarter end is steered once, in order; later quarters only change later days.
        quarter = _Quarter(rng, children, previous, period_end, following)
        quarter.steer_cc02(TARGETS["CC02"][period_end])
        quarter.steer_cc04(TARGETS["CC04"][period_end])
        quarter.steer_cc01(TARGETS["CC01"][period_end])
        previous = period_end


def _split(wanted_total: int, wanted_n: int, have_n: int, have_x: int) -> int | None:
    """How many of `wanted_total` picks to take from the numerator group (`have_n` of them;
    `have_x` others), as close to `wanted_n` as possible; None if there are too few."""
    low = max(0, wanted_total - have_x)
    high = min(wanted_total, have_n)
    if low > high:
        return None
    return min(max(wanted_n, low), high)


class _Quarter:
    def __init__(self, rng, children, previous: date, period_end: date, following: date | None):
        self.rng = rng
        self.children = children
        self.previous = previous
        self.period_end = period_end
        self.following = following

    # -- the levers ----------------------------------------------------------------------------

    def lac(self) -> list[LacChild]:
        return [c for c in self.children if c.period_at(self.period_end) is not None]

    def _first_free_day(self, period: Period) -> date:
        last = max([period.start] + [e.day for e in period.events if e.day <= self.period_end])
        return max(self.previous, last) + timedelta(days=1)

    def pullable(self, child: LacChild) -> bool:
        period = child.period_at(self.period_end)
        return (
            not child.pinned and not period.locked and child.periods[-1] is period
            and self._first_free_day(period) <= self.period_end
        )

    def pull(self, child: LacChild) -> None:
        period = child.period_at(self.period_end)
        end = random_day(self.rng, self._first_free_day(period), self.period_end)
        period.end = end
        period.end_rec = PULLED_END.draw(self.rng)
        period.events = [e for e in period.events if e.day < end]

    def pushable(self, child: LacChild) -> bool:
        period = child.periods[-1]
        return (
            not child.pinned and not period.locked and period.end is not None
            and self.previous < period.end <= self.period_end and child.cap() > self.period_end
        )

    def push(self, child: LacChild) -> None:
        period = child.periods[-1]
        if self.following is None:
            last = min(child.cap(), EXTRACT_DATE)
            if child.cap() > EXTRACT_DATE and self.rng.random() < 0.5:
                period.end = period.end_rec = None
                return
        else:
            last = min(child.cap(), self.following - timedelta(days=1))
        last = min(last, self.period_end + timedelta(days=PUSH_DAYS))
        period.end = random_day(self.rng, self.period_end + timedelta(days=1), last)

    def insert_day(self, child: LacChild) -> date | None:
        period = child.period_at(self.period_end)
        if period is None or period.locked:
            return None
        first = self._first_free_day(period)
        return random_day(self.rng, first, self.period_end) if first <= self.period_end else None

    def insert_move(self, child: LacChild) -> None:
        period = child.period_at(self.period_end)
        day = self.insert_day(child)
        ls = period.ls_at(day)
        event = Event(day, "move", ls, new_placement=True,
                      place=new_place(self.rng, age_on(child.dob, day), ls),
                      reason=CHANGE_REASONS.draw(self.rng), cin=None)
        period.events.append(event)
        period.events.sort(key=lambda e: e.day)

    def mergeable(self, child: LacChild) -> list[Event]:
        period = child.period_at(self.period_end)
        if period is None or period.locked:
            return []
        return [e for e in period.events
                if e.new_placement and self.previous < e.day <= self.period_end]

    # -- CC02 ----------------------------------------------------------------------------------

    def _cc02_after_push(self, child: LacChild) -> tuple[bool, bool]:
        period = child.periods[-1]
        saved = period.end
        period.end = self.period_end + timedelta(days=1)
        status = cc02_status(child, self.period_end)
        period.end = saved
        return status

    def _cc02_after_merge(self, child: LacChild, event: Event) -> tuple[bool, bool, int]:
        event.new_placement = False
        status = cc02_status(child, self.period_end)
        count = placement_count(child, self.period_end)
        event.new_placement = True
        return (*status, count)

    def steer_cc02(self, target: str) -> None:
        lac = self.lac()
        status = {c: cc02_status(c, self.period_end) for c in lac}
        d0 = sum(s[0] for s in status.values())
        n0 = sum(s[1] for s in status.values())
        pull_n = [c for c in lac if status[c] == (True, True) and self.pullable(c)]
        pull_x = [c for c in lac if status[c] == (True, False) and self.pullable(c)]
        push_n, push_x = [], []
        for child in self.children:
            if self.pushable(child):
                after = self._cc02_after_push(child)
                if after[0]:
                    (push_n if after[1] else push_x).append(child)
        inserts = [c for c in lac if status[c] == (True, True) and self.insert_day(c)]
        merges = []
        for child in lac:
            if status[child] != (True, False):
                continue
            count = placement_count(child, self.period_end)
            for event in self.mergeable(child):
                in_d, in_n, after = self._cc02_after_merge(child, event)
                if in_n and (count >= 3) == (after >= 3):
                    merges.append((child, event))
                    break
        plan = self._plan(target, d0, n0, pull_n, pull_x, push_n, push_x, inserts, merges)
        self._execute(plan)
        got = self._count(lambda c: cc02_status(c, self.period_end))
        if got != plan["wanted"]:
            raise RuntimeError(f"CC02 steering missed {plan['wanted']} at {self.period_end}: {got}")

    # -- CC04 ----------------------------------------------------------------------------------

    def steer_cc04(self, target: str) -> None:
        lac = self.lac()
        cc02 = {c: cc02_status(c, self.period_end) for c in lac}
        count = {c: placement_count(c, self.period_end) for c in lac}
        d0, n0 = len(lac), sum(n >= 3 for n in count.values())
        pull_n = [c for c in lac if count[c] >= 3 and not cc02[c][0] and self.pullable(c)]
        pull_x = [c for c in lac if count[c] < 3 and not cc02[c][0] and self.pullable(c)]
        push_n, push_x = [], []
        for child in self.children:
            if self.pushable(child) and not self._cc02_after_push(child)[0]:
                period = child.periods[-1]
                saved = period.end
                period.end = self.period_end + timedelta(days=1)
                many = placement_count(child, self.period_end) >= 3
                period.end = saved
                (push_n if many else push_x).append(child)
        inserts = [c for c in lac if count[c] == 2 and not cc02[c][1] and self.insert_day(c)]
        merges = []
        for child in lac:
            if count[child] != 3:
                continue
            for event in self.mergeable(child):
                in_d, in_n, after = self._cc02_after_merge(child, event)
                if (in_d, in_n) == cc02[child] and after == 2:
                    merges.append((child, event))
                    break
        # For CC04 an insert raises the numerator and a merge lowers it.
        plan = self._plan(target, d0, n0, pull_n, pull_x, push_n, push_x, merges_as_down=merges,
                          inserts_as_up=inserts)
        self._execute(plan)
        got = (len(self.lac()), sum(placement_count(c, self.period_end) >= 3 for c in self.lac()))
        if got != plan["wanted"]:
            raise RuntimeError(f"CC04 steering missed {plan['wanted']} at {self.period_end}: {got}")
        if self._count(lambda c: cc02_status(c, self.period_end)) != (
            sum(s[0] for s in cc02.values()), sum(s[1] for s in cc02.values())
        ):
            raise RuntimeError(f"CC04 steering moved CC02 at {self.period_end}")

    # -- shared planning -----------------------------------------------------------------------

    def _plan(self, target, d0, n0, pull_n, pull_x, push_n, push_x, inserts=(), merges=(),
              merges_as_down=None, inserts_as_up=None) -> dict:
        """Choose (denominator, numerator) and the levers that reach it with fewest changes.
        For CC02 inserts lower the numerator and merges raise it; for CC04 the reverse."""
        down = list(inserts) if merges_as_down is None else list(merges_as_down)
        up = list(merges) if inserts_as_up is None else list(inserts_as_up)
        best = None
        span = range(d0 - len(pull_n) - len(pull_x), d0 + len(push_n) + len(push_x) + 1)
        for rank, share in enumerate(SHARES):
            for d in by_distance(d0, span.start, span.stop - 1):
                n = numerator_for(d, target, share)
                if n is None:
                    continue
                if d <= d0:
                    k = d0 - d
                    j = _split(k, n0 - n, len(pull_n), len(pull_x))
                    if j is None:
                        continue
                    rest = n0 - j - n
                else:
                    k = d - d0
                    j = _split(k, n - n0, len(push_n), len(push_x))
                    if j is None:
                        continue
                    rest = n0 + j - n
                if (rest > 0 and rest > len(down)) or (rest < 0 and -rest > len(up)):
                    continue
                # Fewest changes; a wider window costs as much as a few more changes.
                cost = k + abs(rest) + SHARE_COST * rank
                if best is None or cost < best["cost"]:
                    best = {"cost": cost, "wanted": (d, n), "k": k, "j": j, "rest": rest,
                            "shrink": d <= d0, "down": down, "up": up,
                            "pull": (pull_n, pull_x), "push": (push_n, push_x)}
        if best is not None:
            return best
        raise RuntimeError(f"cannot steer to {target} at {self.period_end} from {n0}/{d0}")

    def _execute(self, plan: dict) -> None:
        rng = self.rng
        group_n, group_x = plan["pull"] if plan["shrink"] else plan["push"]
        chosen = rng.sample(group_n, plan["j"]) + rng.sample(group_x, plan["k"] - plan["j"])
        for child in chosen:
            (self.pull if plan["shrink"] else self.push)(child)
        touched = set(chosen)
        rest = plan["rest"]
        levers = plan["down"] if rest > 0 else plan["up"]
        levers = [x for x in levers if (x[0] if isinstance(x, tuple) else x) not in touched]
        if abs(rest) > len(levers):
            raise RuntimeError(f"not enough levers at {self.period_end}")
        for lever in rng.sample(levers, abs(rest)):
            if isinstance(lever, tuple):
                _merge(lever[1])
            else:
                self.insert_move(lever)

    def _count(self, status) -> tuple[int, int]:
        d = n = 0
        for child in self.lac():
            in_d, in_n = status(child)
            d += in_d
            n += in_n
        return d, n

    # -- CC01 ----------------------------------------------------------------------------------

    def steer_cc01(self, target: str) -> None:
        rng = self.rng
        fixed_d = fixed_n = 0
        free = []
        for child in self.lac():
            period = child.period_at(self.period_end)
            start, _, place = period.placement_at(self.period_end)
            if start > self.previous and not period.locked:
                free.append((child, place))
            else:
                fixed_d += place.fostered
                fixed_n += place.fostered and place.provider == OWN_PROVISION
        fostered = [(c, p) for c, p in free if p.fostered]
        other = [(c, p) for c, p in free if not p.fostered]
        d0 = fixed_d + len(fostered)
        own0 = sum(p.provider == OWN_PROVISION for _, p in fostered)
        best = None
        for share in SHARES:
            for d in by_distance(d0, fixed_d, fixed_d + len(free)):
                n = numerator_for(d, target, share)
                if n is None or not 0 <= n - fixed_n <= d - fixed_d:
                    continue
                cost = abs(d - d0) + abs((n - fixed_n) - own0)
                if best is None or cost < best[0]:
                    best = (cost, d, n)
            if best:
                break
        if best is None:
            raise RuntimeError(f"CC01 cannot be steered at {self.period_end}")
        _, d, n = best
        if d > d0:
            for child, place in rng.sample(other, d - d0):
                _set_code(rng, place, "U6")
                fostered.append((child, place))
        elif d < d0:
            rng.shuffle(fostered)
            fostered.sort(key=lambda item: item[1].provider == OWN_PROVISION,
                          reverse=n - fixed_n < own0)
            for child, place in fostered[: d0 - d]:
                _set_code(rng, place, "K2" if age_on(child.dob, self.period_end) >= 10 else "P1")
            fostered = fostered[d0 - d :]
        own = [p for _, p in fostered if p.provider == OWN_PROVISION]
        others = [p for _, p in fostered if p.provider != OWN_PROVISION]
        need = (n - fixed_n) - len(own)
        for place in rng.sample(others, need) if need > 0 else []:
            place.provider = OWN_PROVISION
        for place in rng.sample(own, -need) if need < 0 else []:
            if place.code in ("U1", "U2", "U3"):
                place.code = "U6"
            place.provider = "PR4"
        got = self._count(lambda c: cc01_status(c, self.period_end))
        if got != (d, n):
            raise RuntimeError(f"CC01 steering missed {(d, n)} at {self.period_end}: {got}")


def _merge(event: Event) -> None:
    event.new_placement = False
    event.place = None
    event.reason = None


def _set_code(rng: random.Random, place, code: str) -> None:
    fresh = make_place(rng, code)
    place.code, place.provider, place.urn = fresh.code, fresh.provider, fresh.urn
