"""The committee report for one council and quarter, from the published database alone.

`render_committee_report` writes one self-contained HTML page (no scripts, no external files:
the stylesheet is inlined and every chart is an inline SVG) in the seed report's structure:
purpose of the report, contents, key to symbols, the risk matrix (and the quarter's risks when a
`published.risk_register` exists), then each scorecard by section with the four previous
quarters, this quarter's actual and target, the status, a trend sparkline with direction-of-travel
arrows, the comment and the comparator. The status is said in words as well as by colour and
symbol; arrows have words beside them. `print_committee_pdf` prints it to A4 landscape with the
contents' page numbers: headless Chromium has no CSS `target-counter`, so the report is printed,
the page each contents entry's heading landed on is read back from the PDF, the numbers are
written into the contents and it is printed again, until a print's numbers are its own. The HTML
keeps plain links.

Everything is read from the published database opened read-only: nothing from the build
warehouse or `reference/`. Every value is HTML-escaped (Jinja2 autoescaping).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from markupsafe import Markup, escape

from scorecard.errors import ScorecardError

TEMPLATES_DIR = Path(__file__).with_name("templates")
TEMPLATE = "committee.html.j2"
STYLESHEET = "committee.css"

# The seed's key to symbols. The symbol and words of a status come from the published rows where
# the quarter has one; these are the published defaults (reference/status_symbols.csv).
STATUS_KEY: tuple[tuple[str, str, str], ...] = (
    ("better_than_target", "★", "Performance better than target"),
    ("worse_than_target", "●", "Performance worse than target"),
    ("significantly_worse_than_target", "▲", "Performance significantly worse than target"),
    ("no_information", "?", "No information"),
    ("missing_target", "◇", "Missing target"),
    ("no_value", "–", "No value"),
)
STATUS_CLASS = {
    "better_than_target": "status-better",
    "worse_than_target": "status-worse",
    "significantly_worse_than_target": "status-significantly-worse",
}
REPORTING_BASES = (
    ("Year to Date", "Performance accumulated over the year"),
    ("Rolling Year", "Average performance over a 12 month period"),
    ("Annual", "Performance measured once a year"),
    ("Latest Quarter", "Performance this quarter"),
    ("Quarterly", "Performance this quarter"),
    ("Snapshot", "Performance at a particular point in time"),
    ("Forecast", "Predicted position at the end of the year"),
)
GOOD_PERFORMANCE = (
    ("Bigger is Better", "A bigger value for this measure is good"),
    ("Smaller is Better", "A smaller value for this measure is good"),
    ("Plan is best",
     "Where it is better for performance to be on target rather than above or below"),
)
# Direction of travel: the published directions are already polarity-aware ("improved" means
# better performance whether the measure is bigger- or smaller-is-better).
DIRECTIONS = {
    "improved": ("↑", "Improved", "dir-improved"),
    "worsened": ("↓", "Worsened", "dir-worsened"),
    "no_change": ("→", "No change", "dir-no-change"),
}
NO_DIRECTION = ("–", "Nothing to compare", "dir-none")
DIRECTION_MEANINGS = {
    "improved": "Performance is better than in the previous quarter (“qtr”) or the same "
                "quarter a year earlier (“year”), whether bigger or smaller is better for "
                "the measure",
    "worsened": "Performance is worse than in the previous quarter or the same quarter a year "
                "earlier",
    "no_change": "The same value as in the previous quarter or the same quarter a year earlier",
    None: "No published figure for that quarter to compare with",
}

LIKELIHOODS = ((5, "Highly Likely"), (4, "Likely"), (3, "Possible"), (2, "Unlikely"), (1, "Remote"))
IMPACTS = ((1, "Insignificant"), (2, "Minor"), (3, "Moderate"), (4, "Major"), (5, "Critical"))
RISK_LEVELS = (("Low", 1, 6), ("Moderate", 7, 12), ("High", 13, 25))
RISK_TRENDS = {
    "increasing": ("⇧", "Risk value increasing", "risk-up"),
    "decreasing": ("⇩", "Risk value decreasing", "risk-down"),
    "no_change": ("⇨", "No change", "risk-same"),
}
RISK_COLUMNS = ("risk_id", "title", "owner", "likelihood", "impact", "score", "level", "trend",
                "controls", "directorate", "review_date")
DRAFTED = "Drafted from the figures"


@dataclass
class KpiRow:
    kpi_code: str
    title: str
    scorecard: str
    service: str
    section: str
    good_performance: str
    reporting_basis: str
    unit: str
    decimals: int
    previous: list[tuple[str, float | None]]  # the four previous quarters, oldest first
    actual: float | None
    target: float | None
    status: str
    symbol: str
    status_label: str
    comment: str | None
    comment_drafted: bool
    comparator: float | None
    comparator_year: str | None
    direction_vs_prev_quarter: str | None
    direction_vs_prev_year: str | None
    period_label: str = ""

    def text(self, value: float | None) -> str:
        return format_value(value, self.unit, self.decimals)

    @property
    def status_class(self) -> str:
        return STATUS_CLASS.get(self.status, "status-none")

    @property
    def history(self) -> list[tuple[str, float | None]]:
        """The last five quarters' published actuals, oldest first (the sparkline's points)."""
        return [*self.previous, (self.period_label, self.actual)]


@dataclass
class Section:
    title: str
    anchor: str
    rows: list[KpiRow] = field(default_factory=list)


@dataclass
class Scorecard:
    scorecard: str
    service: str
    anchor: str
    sections: list[Section] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.scorecard} — {self.service}" if self.service else self.scorecard

    @property
    def rows(self) -> list[KpiRow]:
        return [row for section in self.sections for row in section.rows]


@dataclass
class CommitteeData:
    council_code: str
    period_end: dt.date
    period_label: str
    financial_year: str
    quarter_title: str  # "Quarter 1 2023/24"
    previous_labels: list[str]
    scorecards: list[Scorecard]
    status_key: list[dict[str, str]]
    publications: list[dict[str, Any]]
    risks: list[dict[str, Any]] | None  # None: no published.risk_register
    has_drafted_comments: bool
    council_name: str = ""  # DfE's name of the authority (published.councils)

    @property
    def council(self) -> str:
        """How the report names the council: its name, or its code where none is published."""
        return self.council_name or f"council {self.council_code}"


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """A published figure as the report prints it: its decimals, '%' for percentages."""
    if value is None:
        return ""
    decimals = max(int(decimals or 0), 0)
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"{text}%" if unit == "percent" else text


def quarter_of_financial_year(period_end: dt.date) -> int:
    """1 for April-June … 4 for January-March (UK local government financial year)."""
    return (period_end.month - 4) % 12 // 3 + 1


def _financial_year(period_end: dt.date) -> str:
    start = period_end.year if period_end.month >= 4 else period_end.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'published' "
        "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def connect_published(published: Path) -> duckdb.DuckDBPyConnection:
    published = Path(published)
    if not published.is_file():
        raise ScorecardError(f"{published}: no published database (run the quarterly flow first)")
    return duckdb.connect(str(published), read_only=True)


def load_committee_data(published: Path, council_code: str, period_end: dt.date) -> CommitteeData:
    """Read one council's published quarter: the report's rows, in the report's order."""
    con = connect_published(published)
    try:
        return _load(con, Path(published), council_code, period_end)
    finally:
        con.close()


def _load(con: duckdb.DuckDBPyConnection, published: Path, council_code: str,
          period_end: dt.date) -> CommitteeData:
    scorecard_columns = _columns(con, "scorecard")
    if not scorecard_columns or not _columns(con, "scorecard_report"):
        raise ScorecardError(f"{published}: no published.scorecard / published.scorecard_report")
    drafted = "drafted_comment" in _columns(con, "scorecard_report")
    rows = _records(con, f"""
        SELECT r.*, s.financial_year, s.direction_vs_prev_quarter, s.direction_vs_prev_year
               {'' if drafted else ', NULL::VARCHAR AS drafted_comment'}
        FROM published.scorecard_report AS r
        JOIN published.scorecard AS s ON s.council_code = r.council_code
             AND s.kpi_code = r.kpi_code AND s.period_end = r.report_period_end
        WHERE r.council_code = ? AND r.report_period_end = ?
        ORDER BY r.display_order, r.kpi_code""", [council_code, period_end])
    if not rows:
        raise ScorecardError(f"{published}: nothing published for council {council_code} and "
                             f"the quarter ending {period_end.isoformat()}")
    first = rows[0]
    previous_labels = [first[f"q_minus_{k}_label"] for k in (4, 3, 2, 1)]
    period_label = first["report_period_label"]

    # The key shows every status; a quarter's published symbol and words win over the defaults.
    published_status = {r["status"]: (r["symbol"], r["status_label"]) for r in rows}
    status_key = []
    for status, symbol, label in STATUS_KEY:
        symbol, label = published_status.get(status, (symbol, label))
        status_key.append({"status": status, "symbol": symbol, "label": label,
                           "css": STATUS_CLASS.get(status, "status-none")})

    scorecards: list[Scorecard] = []
    for r in rows:
        comment, comment_drafted = r["comment"], False
        if (comment is None or not str(comment).strip()) and r["drafted_comment"]:
            # the flag says it once: a drafted text's own "Drafted from the figures:" is dropped
            comment, comment_drafted = re.sub(rf"^\s*{DRAFTED}\s*:?\s*", "",
                                              r["drafted_comment"], flags=re.IGNORECASE), True
        row = KpiRow(
            kpi_code=r["kpi_code"], title=r["title"], scorecard=r["scorecard"],
            service=r["service"] or "", section=r["section"] or "",
            good_performance=r["good_performance"], reporting_basis=r["reporting_basis"],
            unit=r["unit"], decimals=r["decimals"],
            previous=[(r[f"q_minus_{k}_label"], r[f"q_minus_{k}"]) for k in (4, 3, 2, 1)],
            actual=r["actual"], target=r["target"], status=r["status"],
            symbol=r["symbol"] or "", status_label=r["status_label"] or r["status"],
            comment=comment, comment_drafted=comment_drafted,
            comparator=r["comparator"], comparator_year=r["comparator_year"],
            direction_vs_prev_quarter=r["direction_vs_prev_quarter"],
            direction_vs_prev_year=r["direction_vs_prev_year"],
            period_label=period_label,
        )
        if not scorecards or (scorecards[-1].scorecard, scorecards[-1].service) != (
                row.scorecard, row.service):
            scorecards.append(Scorecard(row.scorecard, row.service,
                                        _anchor("scorecard", row.scorecard, row.service)))
        card = scorecards[-1]
        if not card.sections or card.sections[-1].title != row.section:
            card.sections.append(Section(row.section,
                                         _anchor("section", row.service, row.section)))
        card.sections[-1].rows.append(row)

    publications = _records(con, """
        SELECT publication_id, run_id, published_at, kpi_rows FROM published.publications
        WHERE council_code = ? AND period_end = ? ORDER BY published_at""",
                            [council_code, period_end]) if _columns(con, "publications") else []

    named = con.execute("SELECT council_name FROM published.councils WHERE council_code = ?",
                        [council_code]).fetchone() if _columns(con, "councils") else None
    return CommitteeData(
        council_code=council_code, council_name=named[0] if named else "",
        period_end=period_end, period_label=period_label,
        financial_year=first["financial_year"] or _financial_year(period_end),
        quarter_title=f"Quarter {quarter_of_financial_year(period_end)} "
                      f"{first['financial_year'] or _financial_year(period_end)}",
        previous_labels=previous_labels, scorecards=scorecards, status_key=status_key,
        publications=publications, risks=_risks(con, council_code, period_end),
        has_drafted_comments=any(row.comment_drafted for c in scorecards for row in c.rows),
    )


def risk_level(score: float | None) -> str | None:
    if score is None:
        return None
    for level, low, high in RISK_LEVELS:
        if low <= score <= high:
            return level
    return None


def _risks(con: duckdb.DuckDBPyConnection, council_code: str,
           period_end: dt.date) -> list[dict[str, Any]] | None:
    """The quarter's risks from `published.risk_register`, highest score first; None when the
    published database has no risk register."""
    columns = _columns(con, "risk_register")
    if not columns:
        return None
    select = ", ".join(f'"{c}"' if c in columns else f'NULL AS "{c}"' for c in RISK_COLUMNS)
    where, params = [], []
    if "council_code" in columns:
        where.append("council_code = ?")
        params.append(council_code)
    if "period_end" in columns:
        where.append("CAST(period_end AS DATE) = ?")
        params.append(period_end)
    sql = (f"SELECT {select} FROM published.risk_register"
           + (f" WHERE {' AND '.join(where)}" if where else "")
           + " ORDER BY 6 DESC NULLS LAST, 1")
    risks = _records(con, sql, params)
    for risk in risks:
        score = risk["score"]
        if score is None and risk["likelihood"] is not None and risk["impact"] is not None:
            score = risk["likelihood"] * risk["impact"]
        risk["score"] = score
        level = str(risk["level"] or risk_level(score) or "").strip()
        risk["level"] = level.capitalize() if level else ""
        risk["level_css"] = f"risk-{level.lower()}" if level.lower() in (
            "low", "moderate", "high") else "risk-unknown"
        trend = str(risk["trend"] or "").strip().lower().replace(" ", "_").replace("-", "_")
        trend = {"up": "increasing", "increased": "increasing", "down": "decreasing",
                 "decreased": "decreasing", "same": "no_change", "unchanged": "no_change",
                 "stable": "no_change"}.get(trend, trend)
        reviewed = risk["review_date"]
        risk["review_text"] = (f"{reviewed.day} {reviewed:%b %Y}" if isinstance(reviewed, dt.date)
                               else "" if reviewed is None else str(reviewed))
        risk["trend_display"] = RISK_TRENDS.get(trend) or (
            ("", str(risk["trend"]), "risk-same") if risk["trend"]
            else ("–", "No earlier score", "risk-same"))
    return risks


def sparkline(row: KpiRow, width: int = 112, height: int = 30) -> Markup:
    """An inline SVG line of the last five quarters' published actuals (gaps where a quarter has
    no value), the target as a dashed line, the latest point marked; its values in words for
    screen readers (`role="img"` with an `aria-label`)."""
    history = row.history
    values = [v for _, v in history if v is not None]
    words = "; ".join(f"{label} {row.text(value) if value is not None else 'no value'}"
                      for label, value in history)
    target = f" Target {row.text(row.target)}." if row.target is not None else ""
    label = f"Trend over the last {len(history)} quarters: {words}.{target}"
    pad_x, pad_y = 6.0, 5.0
    scale_values = values + ([row.target] if row.target is not None and values else [])
    low, high = (min(scale_values), max(scale_values)) if scale_values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1

    def x(i: int) -> float:
        return round(pad_x + i * (width - 2 * pad_x) / max(len(history) - 1, 1), 1)

    def y(v: float) -> float:
        return round(height - pad_y - (v - low) * (height - 2 * pad_y) / (high - low), 1)

    parts = []
    if row.target is not None and values:
        parts.append(f'<line class="spark-target" x1="{pad_x - 3}" x2="{width - pad_x + 3}" '
                     f'y1="{y(row.target)}" y2="{y(row.target)}"/>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_, value) in enumerate(history):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i)},{y(value)}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(f'<polyline class="spark-line" points="{" ".join(points)}"/>')
    for i, (_, value) in enumerate(history):
        if value is not None:
            last = i == len(history) - 1
            parts.append(f'<circle class="{"spark-latest" if last else "spark-point"}" '
                         f'cx="{x(i)}" cy="{y(value)}" r="{3 if last else 1.8}"/>')
    if not values:
        parts.append(f'<text class="spark-empty" x="{width / 2}" y="{height / 2 + 3}" '
                     'text-anchor="middle">no values</text>')
    return Markup(
        f'<svg class="sparkline {row.status_class}" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'focusable="false">{"".join(parts)}</svg>')


def direction(value: str | None) -> tuple[str, str, str]:
    """(arrow, words, css class) for a published direction of travel."""
    return DIRECTIONS.get(value or "", NO_DIRECTION)


def risk_matrix() -> list[dict[str, Any]]:
    """The seed's 5 × 5 matrix: likelihood (rows, highest first) × impact, score and level."""
    return [{"likelihood": likelihood, "label": label,
             "cells": [{"impact": impact, "score": likelihood * impact,
                        "level": risk_level(likelihood * impact)} for impact, _ in IMPACTS]}
            for likelihood, label in LIKELIHOODS]


def _css_text(text: str) -> str:
    """Text safe inside a CSS string (page footers)."""
    return re.sub(r"[^A-Za-z0-9 ./&,()'-]", " ", text).replace("'", "’")


def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.globals.update(sparkline=sparkline, direction=direction)
    return environment


def contents_anchors(data: CommitteeData) -> list[str]:
    """The ids the contents links to, in its order: the key, risk, each scorecard and its
    sections."""
    return ["key", "risk", *(anchor for card in data.scorecards
                             for anchor in (card.anchor, *(s.anchor for s in card.sections)))]


def render_committee_html(data: CommitteeData, generated_at: dt.datetime | None = None,
                          page_numbers: dict[str, int] | None = None) -> str:
    """The report's HTML; with `page_numbers` ({anchor: page}), its contents give each entry's
    page (for printing)."""
    css = (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
    footer = _css_text(f"Performance scorecard, {data.quarter_title}, {data.council}")
    return _environment().get_template(TEMPLATE).render(
        data=data,
        css=Markup(css.replace("__FOOTER__", footer)),
        status_key=data.status_key,
        reporting_bases=REPORTING_BASES,
        good_performance=GOOD_PERFORMANCE,
        directions=[(*direction(d), DIRECTION_MEANINGS[d])
                    for d in ("improved", "worsened", "no_change", None)],
        impacts=IMPACTS,
        matrix=risk_matrix(),
        risk_levels=RISK_LEVELS,
        risk_trends=list(RISK_TRENDS.values()),
        period_end_text=f"{data.period_end.day} {data.period_end:%B %Y}",
        generated_at=(generated_at or dt.datetime.now(dt.timezone.utc)).strftime(
            "%d %B %Y %H:%M UTC"),
        page_numbers=page_numbers,
    )


def committee_report_name(council_code: str, period_end: dt.date) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", council_code)
    return f"committee_{safe}_{period_end.isoformat()}.html"


def write_committee_html(data: CommitteeData, out_dir: Path,
                         generated_at: dt.datetime | None = None) -> Path:
    """Write the report's HTML as `committee_<council>_<period_end>.html` in `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / committee_report_name(data.council_code, data.period_end)
    path.write_text(render_committee_html(data, generated_at), encoding="utf-8")
    return path


def render_committee_report(published: Path, council_code: str, period_end: dt.date,
                            out_dir: Path) -> Path:
    """Write `committee_<council>_<period_end>.html` in `out_dir` (created if needed) from the
    published database alone, and return its path."""
    return write_committee_html(load_committee_data(published, council_code, period_end),
                                out_dir)


# A print whose numbers are not its own changes only the digits of the contents, whose page
# column has a fixed width, so the second print normally settles it; more means the layout
# depends on the numbers, and printing on would not converge.
MAX_PRINTS = 4


def print_committee_pdf(data: CommitteeData, pdf: Path, generated_at: dt.datetime | None = None,
                        max_prints: int = MAX_PRINTS, browser=None) -> Path:
    """Print the report to `pdf` with its contents numbered: print with placeholder numbers,
    read from the PDF on which page each contents entry's heading landed, write those numbers
    into the contents and print again, until a print's numbers are the pages its own headings are
    on (at most `max_prints` prints, else a `ScorecardError` and no PDF). Every print in one
    browser (`browser`, from `pdf.open_browser`, or one started here). Printed in a folder
    beside `pdf` and moved into place, so a failed print leaves no partial PDF."""
    from scorecard.report import pdf as printing

    if browser is None:
        with printing.open_browser() as own:
            return print_committee_pdf(data, pdf, generated_at, max_prints, own)
    pdf = Path(pdf).resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    anchors = contents_anchors(data)
    numbers = dict.fromkeys(anchors, 0)  # placeholders: no page is numbered 0
    history: list[dict[str, int]] = []
    with tempfile.TemporaryDirectory(prefix=f".{pdf.stem}-", dir=pdf.parent) as work:
        html, printed = Path(work) / "committee.html", Path(work) / "committee.pdf"
        for _ in range(max_prints):
            html.write_text(render_committee_html(data, generated_at, numbers), encoding="utf-8")
            printing.html_to_pdf(html, printed, browser=browser)
            destinations = printing.destination_pages(printed)
            missing = [anchor for anchor in anchors if anchor not in destinations]
            if missing:
                raise ScorecardError(f"{pdf.name}: the printed report has no page for "
                                     f"{', '.join(missing)} (no named destination in the PDF), "
                                     "so its contents cannot be numbered")
            landed = {anchor: destinations[anchor] for anchor in anchors}
            if landed == numbers:
                os.replace(printed, pdf)
                return pdf
            history.append(landed)
            numbers = landed
    before = history[-2] if len(history) > 1 else dict.fromkeys(anchors, 0)
    moved = [f"{a} {before[a]}→{history[-1][a]}" for a in anchors if before[a] != history[-1][a]]
    raise ScorecardError(f"{pdf.name}: the contents' page numbers still moved after "
                         f"{max_prints} prints (last print: {', '.join(moved)}); "
                         "no PDF was written")


def print_committee_report(published: Path, council_code: str, period_end: dt.date,
                           pdf: Path) -> Path:
    """The report printed to `pdf` with numbered contents, from the published database alone."""
    return print_committee_pdf(load_committee_data(published, council_code, period_end), pdf)
