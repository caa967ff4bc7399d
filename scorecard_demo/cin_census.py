"""The CIN census extract: one XML file in the DfE schema's layout, full history of referrals.

Written as text, one element per line (the loader reports an element's line as its row number).
The header's <LEA> is the council code. No DOCTYPE, no entities; every value is a plain code,
date or number, so nothing needs escaping (escaped anyway).
"""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

from scorecard_demo.cin_model import CinChild, CpPlan, Referral
from scorecard_demo.csc_model import EXTRACT_DATE, Weights, iso

FILE_NAME = "cin_census.xml"
DISABILITIES = Weights({"NONE": 88, "LD": 3, "AUT": 3, "BEH": 2, "COMM": 1, "MOB": 1, "HAND": 1,
                        "HEAR": 1})
FACTORS = ("1C", "2B", "3A", "3B", "4A", "4B", "5A", "6B", "7A", "8B", "9A", "10A", "11A", "12A",
           "13A", "14A", "16A", "17A", "18B", "19B", "20", "21", "22A", "23A", "24A")


def write_cin_census(
    folder: Path, council_code: str, rng: random.Random, referrals: list[Referral]
) -> Path:
    children: dict[str, CinChild] = {}
    for referral in referrals:
        children.setdefault(referral.child.id, referral.child)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails>",
        "      <Collection>CIN</Collection>",
        f"      <Year>{EXTRACT_DATE.year}</Year>",
        f"      <ReferenceDate>{iso(EXTRACT_DATE)}</ReferenceDate>",
        "    </CollectionDetails>",
        "    <Source>",
        "      <SourceLevel>L</SourceLevel>",
        f"      <LEA>{escape(council_code)}</LEA>",
        "      <SoftwareCode>Local Authority</SoftwareCode>",
        "      <Release>ver 3.1.21</Release>",
        "      <SerialNo>001</SerialNo>",
        f"      <DateTime>{iso(EXTRACT_DATE)}T06:30:00</DateTime>",
        "    </Source>",
        "  </Header>",
        "  <Children>",
    ]
    for child in children.values():
        lines += _child(rng, child)
    lines += ["  </Children>", "</Message>", ""]
    path = folder / FILE_NAME
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


SAFE = frozenset("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _element(indent: int, tag: str, value: object) -> str:
    text = str(value)
    if not SAFE.issuperset(text):
        text = escape(text)
    return f"{' ' * indent}<{tag}>{text}</{tag}>"


def _child(rng: random.Random, child: CinChild) -> list[str]:
    disability = DISABILITIES.draw(rng)
    lines = [
        "    <Child>",
        "      <ChildIdentifiers>",
        _element(8, "LAchildID", child.id),
        _element(8, "UPN", child.upn),
        _element(8, "PersonBirthDate", iso(child.dob)),
        _element(8, "Sex", child.sex),
        "      </ChildIdentifiers>",
        "      <ChildCharacteristics>",
        _element(8, "Ethnicity", child.ethnicity),
        "        <Disabilities>",
        _element(10, "Disability", disability),
        "        </Disabilities>",
        "      </ChildCharacteristics>",
    ]
    for referral in child.referrals:
        lines += _details(rng, referral)
    lines.append("    </Child>")
    return lines


def _details(rng: random.Random, referral: Referral) -> list[str]:
    lines = [
        "      <CINdetails>",
        _element(8, "CINreferralDate", iso(referral.date)),
        _element(8, "ReferralSource", referral.source),
        _element(8, "PrimaryNeedCode", referral.need),
    ]
    if referral.closure is not None:
        lines.append(_element(8, "CINclosureDate", iso(referral.closure)))
        lines.append(_element(8, "ReasonForClosure", referral.reason))
    conferences = [s.icpc for s in referral.section47s if s.icpc]
    if conferences:
        lines.append(_element(8, "DateOfInitialCPC", iso(min(conferences))))
    for assessment in referral.assessments:
        lines.append("        <Assessments>")
        lines.append(_element(10, "AssessmentActualStartDate", iso(assessment.start)))
        if assessment.authorised:
            lines.append(_element(10, "AssessmentAuthorisationDate", iso(assessment.authorised)))
            lines.append("          <FactorsIdentifiedAtAssessment>")
            for factor in sorted(rng.sample(FACTORS, rng.randint(1, 3))):
                lines.append(_element(12, "AssessmentFactors", factor))
            lines.append("          </FactorsIdentifiedAtAssessment>")
        lines.append("        </Assessments>")
    for section47 in referral.section47s:
        lines += [
            "        <Section47>",
            _element(10, "S47ActualStartDate", iso(section47.start)),
            _element(10, "InitialCPCtarget", iso(section47.icpc_target)),
        ]
        if section47.icpc:
            lines.append(_element(10, "DateOfInitialCPC", iso(section47.icpc)))
        lines.append(_element(10, "ICPCnotRequired", str(section47.icpc_not_required).lower()))
        lines.append("        </Section47>")
    lines.append(_element(8, "ReferralNFA", str(referral.nfa).lower()))
    for plan in referral.plans:
        lines += _plan(plan)
    lines.append("      </CINdetails>")
    return lines


def _plan(plan: CpPlan) -> list[str]:
    lines = [
        "        <ChildProtectionPlans>",
        _element(10, "CPPstartDate", iso(plan.start)),
    ]
    if plan.end:
        lines.append(_element(10, "CPPendDate", iso(plan.end)))
    lines += [
        _element(10, "InitialCategoryOfAbuse", plan.initial_category),
        _element(10, "LatestCategoryOfAbuse", plan.latest_category),
        _element(10, "NumberOfPreviousCPP", plan.previous_plans),
        "        </ChildProtectionPlans>",
    ]
    return lines
