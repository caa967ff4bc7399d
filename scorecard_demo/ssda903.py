"""The SSDA903 extract: header, episodes, reviews, OC3, social worker episodes and missing
episodes as DfE's CSV layout has them (upper-case headers, dd/mm/YYYY dates, UTF-8). The files
carry no council code; extract.json does."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from scorecard_demo.care_leavers import LeaverContact
from scorecard_demo.csc_model import EXTRACT_DATE, Weights, age_on, birthday, dmy, random_day
from scorecard_demo.lac_model import LONG_TERM_CODE, LacChild, Period

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
REVIEWS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
OC3 = ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")
SW_EPISODES = ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
PARTICIPATION = Weights({"PN1": 40, "PN2": 10, "PN3": 10, "PN4": 5, "PN5": 15, "PN6": 10,
                         "PN7": 10})
SW_REASONS = Weights({"MGMTDEC": 35, "LEFTROLE": 30, "ORGRE": 15, "FCREQ": 10, "CHCHANGE": 5,
                      "OTHERS": 5})
SW_FROM = date(2022, 4, 1)
OC3_YEAR = (date(2022, 4, 1), date(2023, 3, 31))


def write_ssda903(
    folder: Path,
    rng: random.Random,
    children: list[LacChild],
    reviews: dict[Period, list[date]],
    leaver_contacts: list[LeaverContact],
    workers: tuple[str, ...],
) -> list[Path]:
    children = sorted(children, key=lambda c: c.id)
    return [
        _write(folder / "header.csv", HEADER, _header(rng, children)),
        _write(folder / "episodes.csv", EPISODES, _episodes(children)),
        _write(folder / "reviews.csv", REVIEWS, _reviews(rng, children, reviews)),
        _write(folder / "oc3.csv", OC3, _oc3(children, leaver_contacts)),
        _write(folder / "sw_episodes.csv", SW_EPISODES, _sw_episodes(rng, children, workers)),
        _write(folder / "missing.csv", MISSING, _missing(rng, children)),
    ]


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def _header(rng: random.Random, children: list[LacChild]) -> list[tuple]:
    rows = []
    for child in children:
        mother, baby = "", ""
        if child.sex == "2":
            mother = "0"
            if age_on(child.dob, EXTRACT_DATE) >= 16 and rng.random() < 0.03:
                mother = "1"
                baby = dmy(random_day(rng, birthday(child.dob, 15), min(
                    birthday(child.dob, 18), EXTRACT_DATE)))
        rows.append((child.id, child.sex, dmy(child.dob), child.ethnic, child.upn, mother, baby))
    return rows


def episodes_of(period: Period) -> list[dict]:
    """The period's episodes: one per event boundary, each ended X1 but the last."""
    bounds = [period.start] + [e.day for e in period.events]
    place, code = period.place, period.place.code
    rows = []
    for i, start in enumerate(bounds):
        if i == 0:
            rne, ls, reason = "S", period.ls, ""
        else:
            event = period.events[i - 1]
            rne, ls, reason = event.rne, event.ls, event.reason or ""
            if event.new_placement:
                place, code = event.place, event.place.code
            elif event.kind == "move":
                code = LONG_TERM_CODE.get(code, code)
        last = i + 1 == len(bounds)
        rows.append({
            "decom": start, "rne": rne, "ls": ls, "place": code, "provider": place.provider,
            "dec": period.end if last else bounds[i + 1],
            "rec": (period.end_rec or "") if last else "X1",
            "reason": reason, "pl_post": place.postcode, "urn": place.urn,
        })
    return rows


def _episodes(children: list[LacChild]) -> list[tuple]:
    rows = []
    for child in children:
        for period in child.periods:
            for e in episodes_of(period):
                rows.append((child.id, dmy(e["decom"]), e["rne"], e["ls"], period.cin, e["place"],
                             e["provider"], dmy(e["dec"]), e["rec"] if e["dec"] else "",
                             e["reason"], child.home_post, e["pl_post"], e["urn"]))
    return rows


def _reviews(rng, children: list[LacChild], reviews: dict[Period, list[date]]) -> list[tuple]:
    rows = []
    for child in children:
        for period in child.periods:
            for review in reviews.get(period, ()):
                code = "PN0" if age_on(child.dob, review) < 4 else PARTICIPATION.draw(rng)
                rows.append((child.id, dmy(child.dob), dmy(review), code))
    return rows


def _oc3(children: list[LacChild], contacts: list[LeaverContact]) -> list[tuple]:
    """The 2022-23 return: care leavers with their 17th-21st birthday in the year, as at their
    latest contact up to a month after it."""
    by_child: dict[str, list[LeaverContact]] = {}
    for contact in contacts:
        by_child.setdefault(contact.child_id, []).append(contact)
    rows = []
    for child in children:
        own = by_child.get(child.id)
        if not own:
            continue
        for years in range(17, 22):
            day = birthday(child.dob, years)
            if OC3_YEAR[0] <= day <= OC3_YEAR[1]:
                seen = [c for c in own if c.day <= day + timedelta(days=31)]
                if seen:
                    last = seen[-1]
                    rows.append((child.id, dmy(child.dob), last.in_touch, last.activity,
                                 last.accommodation))
    return rows


def _sw_episodes(rng, children: list[LacChild], workers: tuple[str, ...]) -> list[tuple]:
    rows = []
    for child in children:
        for period in child.periods:
            if period.ls in ("V3", "V4"):
                continue
            end = period.end or EXTRACT_DATE
            start = max(period.start, SW_FROM)
            if start >= end:
                continue
            day = start
            while day < end:
                length = timedelta(days=rng.randint(90, 500))
                finish = day + length
                closed = finish < end
                rows.append((child.id, dmy(child.dob), rng.choice(workers), dmy(day),
                             dmy(finish) if closed else dmy(period.end),
                             SW_REASONS.draw(rng) if closed else ""))
                if not closed:
                    break
                day = finish
    return rows


def _missing(rng, children: list[LacChild]) -> list[tuple]:
    rows = []
    for child in children:
        for period in child.periods:
            if period.ls in ("V3", "V4") or age_on(child.dob, period.start) < 11:
                continue
            if rng.random() > 0.25:
                continue
            end = min(period.end or EXTRACT_DATE, EXTRACT_DATE) - timedelta(days=6)
            if end <= period.start:
                continue
            starts = sorted({random_day(rng, period.start, end) for _ in range(rng.randint(1, 4))})
            for start in starts:
                rows.append((child.id, dmy(child.dob), "M" if rng.random() < 0.7 else "A",
                             dmy(start), dmy(start + timedelta(days=rng.randint(0, 5)))))
    return rows
