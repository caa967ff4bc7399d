"""The CIN census records the generator builds before writing cin_census.xml."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(eq=False)
class CinChild:
    id: str
    dob: date
    sex: str
    ethnicity: str
    upn: str
    referrals: list[Referral] = field(default_factory=list)
    reserved: bool = False  # an awkward case: random draws leave it alone


@dataclass(eq=False)
class Assessment:
    start: date
    authorised: date | None


@dataclass(eq=False)
class Section47:
    start: date  # the strategy discussion's date
    icpc_target: date
    icpc: date | None
    icpc_not_required: bool
    concern: date | None = None  # when the concern needing the strategy discussion was raised


@dataclass(eq=False)
class CpPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int = 0
    referral: Referral | None = None
    subsequent: bool = False


@dataclass(eq=False)
class Referral:
    child: CinChild
    date: date
    source: str
    need: str
    closure: date | None  # tentative until the referral's work is known, then final
    reason: str | None = None
    nfa: bool = False
    assessments: list[Assessment] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    plans: list[CpPlan] = field(default_factory=list)
    reserved: bool = False

    def next_referral(self) -> Referral | None:
        referrals = self.child.referrals
        index = referrals.index(self)
        return referrals[index + 1] if index + 1 < len(referrals) else None
