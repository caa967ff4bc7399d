"""The committee report (HTML, and PDF and a screenshot from headless Chromium), the XLSX
workbook and the Parquet exports, all generated from the published database alone.

The published database is built once from the demo council's extracts (five quarters, Jun-22 to
Jun-23). Tests marked `browser` run Debian's chromium and poppler's pdftotext; the test marked
`office` (and `slow`) prints the XLSX with LibreOffice Calc; they fail, not skip, when those are
missing (`make test` and `make test-slow` install them: .ci/install-browser-tools).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
import struct
import subprocess
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from conftest import run_without_prefect
from scorecard import config
from scorecard_demo import landing_cache
from scorecard.errors import ScorecardError
from scorecard.report import (
    html_screenshot,
    html_to_pdf,
    print_committee_report,
    render_committee_report,
    write_published_parquet,
    write_scorecard_xlsx,
)
from scorecard.report.committee import load_committee_data, print_committee_pdf
from scorecard.report.pdf import ChromiumNotFound

COUNCIL = "916"
PERIOD_END = dt.date(2023, 6, 30)
PUBLISH_FROM = dt.date(2022, 6, 30)
PREVIOUS_LABELS = ["Jun-22", "Sep-22", "Dec-22", "Mar-23"]
DIRECTION_WORDS = {"improved": "Improved", "worsened": "Worsened", "no_change": "No change"}
STATUS_CSS = {"better_than_target": "status-better", "worse_than_target": "status-worse",
              "significantly_worse_than_target": "status-significantly-worse"}
SCREEN = (1400, 1000)


def catalogue() -> list[dict]:
    with (config.REFERENCE_DIR / "kpis.csv").open(encoding="utf-8") as handle:
        return sorted(csv.DictReader(handle), key=lambda r: int(r["display_order"]))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("committee")
    landing_cache.demo_landing(root / "landing", COUNCIL)
    run_without_prefect(root / "landing", root / "warehouse" / "scorecard.duckdb", PERIOD_END,
                        PUBLISH_FROM)
    path = root / "warehouse" / "scorecard_published.duckdb"
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def report_rows(published) -> dict[str, dict]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        cursor = con.execute(
            "SELECT r.*, s.direction_vs_prev_quarter, s.direction_vs_prev_year "
            "FROM published.scorecard_report r JOIN published.scorecard s "
            "ON s.council_code = r.council_code AND s.kpi_code = r.kpi_code "
            "AND s.period_end = r.report_period_end "
            "WHERE r.council_code = ? AND r.report_period_end = ? ORDER BY r.display_order",
            [COUNCIL, PERIOD_END])
        names = [d[0] for d in cursor.description]
        return {row[names.index("kpi_code")]: dict(zip(names, row)) for row in cursor.fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def report(published, tmp_path_factory) -> Path:
    return render_committee_report(published, COUNCIL, PERIOD_END,
                                   tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(report):
    return lxml_html.fromstring(report.read_text(encoding="utf-8"))


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def shown(value, unit: str, decimals: int) -> str:
    """How the report should print a published figure (written independently of the code)."""
    if value is None:
        return ""
    text = ("{:.%df}" % decimals).format(value)
    return text + "%" if unit == "percent" else text


def modified_copy(published: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "scorecard_published.duckdb"
    shutil.copyfile(published, copy)
    con = duckdb.connect(str(copy))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return copy


# --- the HTML report ---------------------------------------------------------------------------

def test_report_is_named_for_council_and_period_and_reads_published_only(published, tmp_path):
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    path = render_committee_report(published, COUNCIL, PERIOD_END, tmp_path / "out")
    assert path == tmp_path / "out" / "committee_916_2023-06-30.html"
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before  # opened read-only
    assert not list(published.parent.glob("*.wal"))


def test_every_catalogue_kpi_has_its_row_in_order_with_title_symbol_and_status_words(
        page, report_rows):
    rows = page.xpath("//tr[contains(concat(' ', @class, ' '), ' kpi ')]")
    expected = catalogue()
    assert len(expected) == 24
    assert [r.get("data-kpi") for r in rows] == [k["kpi_code"] for k in expected]
    for row, kpi in zip(rows, expected):
        published_row = report_rows[kpi["kpi_code"]]
        assert text_of(row.xpath("./th[@scope='row']")[0]) == kpi["title"]
        status = row.xpath("./td[contains(@class, 'status')]")[0]
        assert published_row["symbol"] and published_row["status_label"]
        assert text_of(status) == f"{published_row['symbol']} {published_row['status_label']}"
        # the status is colour AND words: the class that colours it matches the words
        assert STATUS_CSS.get(published_row["status"], "status-none") in status.get("class")


def test_each_row_shows_four_previous_quarters_actual_target_and_comparator(page, report_rows):
    headers = [text_of(th) for th in page.xpath("//table[@class='kpis'][1]/thead//th")]
    assert headers[3:9] == [*PREVIOUS_LABELS, "Actual Jun-23", "Target Jun-23"]
    assert "Comments" in headers and "Comparator Group" in headers and "Status" in headers
    for code, r in report_rows.items():
        cells = page.xpath(f"//tr[@data-kpi='{code}']/td")
        numbers = [" ".join(c.xpath("string(.)").split()) for c in cells[2:8]]
        values = [r["q_minus_4"], r["q_minus_3"], r["q_minus_2"], r["q_minus_1"], r["actual"],
                  r["target"]]
        for text, value in zip(numbers, values):
            if value is None:  # blank to the eye, said to a screen reader
                assert text in ("no value", "no target"), (code, text)
            else:
                assert text == shown(value, r["unit"], r["decimals"]), (code, text, value)
        comparator = text_of(cells[-1])
        if r["comparator"] is None:
            assert comparator == "n/a"
        else:
            assert comparator.startswith(shown(r["comparator"], r["unit"], r["decimals"]))
    some_values = [r for r in report_rows.values() if r["actual"] is not None]
    assert some_values, "no KPI has a published value"


def test_comments_are_shown_escaped(page, report_rows, published, tmp_path):
    comments = {code: r["comment"] for code, r in report_rows.items() if r["comment"]}
    for code, comment in comments.items():
        cell = page.xpath(f"//tr[@data-kpi='{code}']/td[contains(@class, 'comment')]")[0]
        assert " ".join(comment.split()) in text_of(cell)
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    copy = modified_copy(published, tmp_path,
                         f"UPDATE published.scorecard SET comment = '{hostile}' "
                         f"WHERE kpi_code = 'GM01' AND period_end = DATE '{PERIOD_END}'")
    text = render_committee_report(copy, COUNCIL, PERIOD_END, tmp_path / "out").read_text(
        encoding="utf-8")
    assert "<script" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text


def test_drafted_comment_is_used_only_where_there_is_no_comment_and_is_marked(
        published, report_rows, tmp_path):
    with_comment = next(code for code, r in report_rows.items() if r["comment"])
    without = next(code for code, r in report_rows.items() if not r["comment"])
    statements = [
        "UPDATE published.drafted_comments SET drafted_comment = NULL",
        "UPDATE published.drafted_comments "
        "SET drafted_comment = 'Drafted from the figures: text for ' || kpi_code "
        f"WHERE kpi_code IN ('{with_comment}', '{without}') AND period_end = DATE '{PERIOD_END}'",
    ]
    copy = modified_copy(published, tmp_path, *statements)
    page = lxml_html.fromstring(render_committee_report(copy, COUNCIL, PERIOD_END, tmp_path)
                                .read_text(encoding="utf-8"))

    def comment(code):
        return text_of(page.xpath(f"//tr[@data-kpi='{code}']/td[contains(@class,'comment')]")[0])

    assert comment(without) == f"Drafted from the figures text for {without}"  # said once
    assert "Drafted" not in comment(with_comment)
    assert " ".join(report_rows[with_comment]["comment"].split()) in comment(with_comment)


def test_sparkline_per_kpi_is_an_accessible_inline_svg_of_five_quarters(page, report_rows):
    for code, r in report_rows.items():
        svgs = page.xpath(f"//tr[@data-kpi='{code}']//svg")
        assert len(svgs) == 1, code
        svg = svgs[0]
        assert svg.get("role") == "img"
        label = svg.get("aria-label")
        values = [r["q_minus_4"], r["q_minus_3"], r["q_minus_2"], r["q_minus_1"], r["actual"]]
        for quarter, value in zip([*PREVIOUS_LABELS, "Jun-23"], values):
            said = shown(value, r["unit"], r["decimals"]) if value is not None else "no value"
            assert f"{quarter} {said}" in label, (code, label)
        assert len(svg.xpath(".//circle")) == sum(v is not None for v in values), code
        present = [i for i, v in enumerate(values) if v is not None]
        if len(present) >= 2 and present == list(range(present[0], present[-1] + 1)):
            points = svg.xpath(".//polyline")[0].get("points").split()
            assert len(points) == len(present), code


def test_direction_of_travel_has_arrows_and_words(page, report_rows):
    arrows = {"improved": "↑", "worsened": "↓", "no_change": "→"}
    for code, r in report_rows.items():
        trend = page.xpath(f"//tr[@data-kpi='{code}']/td[contains(@class, 'trend')]")[0]
        text = text_of(trend)
        for value, basis in ((r["direction_vs_prev_quarter"], "last qtr"),
                             (r["direction_vs_prev_year"], "last year")):
            if value is None:
                assert f"No figure for {basis}" in text, code
            else:
                assert f"{arrows[value]} {DIRECTION_WORDS[value]} vs {basis}" in text, code
    assert any(r["direction_vs_prev_quarter"] for r in report_rows.values())


def test_report_has_the_seed_structure(page):
    headings = [text_of(h) for h in page.xpath("//h1 | //h2")]
    assert headings[0].startswith("Performance Scorecard") and "Quarter 1 2023/24" in headings[0]
    assert headings[1:5] == ["Purpose of the report", "Contents", "Key to Symbols", "Risk"]
    assert "Children & Young People — Children's Social Care" in headings
    assert "Children & Young People — Good Management" in headings
    sections = [text_of(h) for h in page.xpath("//section[contains(@class,'scorecard')]//h3")]
    expected_sections = list(dict.fromkeys(k["section"] for k in catalogue()))
    assert sections == expected_sections
    assert ("To provide a strategic overview of the Council's performance for Quarter 1 2023/24."
            in text_of(page))
    key = text_of(page.xpath("//section[@id='key']")[0])
    for words in ("Performance better than target", "Performance worse than target",
                  "Performance significantly worse than target", "No information",
                  "Missing target", "No value", "Bigger is Better", "Smaller is Better",
                  "Latest Quarter", "Snapshot", "Rolling Year", "Improved", "Worsened"):
        assert words in key, words
    contents = [a.get("href") for a in page.xpath("//nav[@id='contents']//a")]
    assert contents[:2] == ["#key", "#risk"]
    for href in contents:
        assert page.xpath(f"//*[@id='{href[1:]}']"), href


def test_risk_matrix_scores_and_levels(page):
    matrix = page.xpath("//table[@class='risk-matrix']")[0]
    rows = matrix.xpath("./tbody/tr")
    assert [text_of(r.xpath("./th")[0]) for r in rows] == [
        "Highly Likely (5)", "Likely (4)", "Possible (3)", "Unlikely (2)", "Remote (1)"]
    for likelihood, row in zip((5, 4, 3, 2, 1), rows):
        for impact, cell in enumerate(row.xpath("./td"), start=1):
            score = likelihood * impact
            level = "Low" if score <= 6 else "Moderate" if score <= 12 else "High"
            assert text_of(cell) == f"{score} {level}"
            assert f"risk-{level.lower()}" in cell.get("class")
    risk = text_of(page.xpath("//section[@id='risk']")[0])
    assert "1 Insignificant" in risk and "5 Critical" in risk
    levels = page.xpath("//section[@id='risk']//table[caption='Level of Risk']/tbody/tr")
    assert [[text_of(c) for c in row] for row in levels] == [
        ["Low", "1 - 6"], ["Moderate", "7 - 12"], ["High", "13 - 25"]]


def test_risks_listed_are_the_published_register_for_the_period(published, page):
    con = duckdb.connect(str(published), read_only=True)
    try:
        exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                             "table_schema = 'published' AND table_name = 'risk_register'"
                             ).fetchone()[0]
        risks = con.execute(
            "SELECT risk_id FROM published.risk_register WHERE council_code = ? "
            "AND period_end = ?", [COUNCIL, PERIOD_END]).fetchall() if exists else []
    finally:
        con.close()
    shown_ids = [text_of(e) for e in page.xpath("//table[@class='risks']//span[@class='risk-id']")]
    assert sorted(shown_ids) == sorted(str(r[0]) for r in risks)
    if not risks:
        assert "No risks were published" in text_of(page.xpath("//section[@id='risk']")[0])


def test_the_report_names_the_council_as_dfe_does(page, published, tmp_path):
    """LA 916 is Gloucestershire in DfE's statistics: the cover, title and footer say so; a
    published file without published.councils falls back to the code."""
    assert text_of(page.xpath("//*[@class='cover-council']")[0]) == "Gloucestershire"
    assert page.xpath("//title")[0].text_content().endswith(", Gloucestershire")
    copy = modified_copy(published, tmp_path, "DROP TABLE published.councils")
    old = lxml_html.fromstring(render_committee_report(copy, COUNCIL, PERIOD_END, tmp_path)
                               .read_text(encoding="utf-8"))
    assert text_of(old.xpath("//*[@class='cover-council']")[0]) == "Council 916"


def test_no_risk_register_says_no_risks_were_published(published, tmp_path):
    copy = modified_copy(published, tmp_path, "DROP TABLE IF EXISTS published.risk_register")
    page = lxml_html.fromstring(render_committee_report(copy, COUNCIL, PERIOD_END, tmp_path)
                                .read_text(encoding="utf-8"))
    assert ("No risks were published: the published database has no risk register."
            in text_of(page.xpath("//section[@id='risk']")[0]))
    assert not page.xpath("//table[@class='risks']")


def test_published_risk_register_is_listed_for_the_period(published, tmp_path):
    copy = modified_copy(
        published, tmp_path,
        "DROP TABLE IF EXISTS published.risk_register",
        "CREATE TABLE published.risk_register (risk_id VARCHAR, title VARCHAR, owner VARCHAR, "
        "likelihood INTEGER, impact INTEGER, score INTEGER, level VARCHAR, trend VARCHAR, "
        "controls VARCHAR, period_end DATE, council_code VARCHAR)",
        "INSERT INTO published.risk_register VALUES "
        "('R1', 'Social worker recruitment', 'Director of Children''s Services', 4, 4, 16, "
        "'High', 'increasing', 'Recruitment campaign', DATE '2023-06-30', '916'), "
        "('R2', 'Placement sufficiency', 'Head of Service', 2, 3, 6, 'Low', 'decreasing', "
        "'Commissioning plan', DATE '2023-06-30', '916'), "
        "('R3', 'Last quarter''s risk', 'Someone', 5, 5, 25, 'High', 'no_change', '-', "
        "DATE '2023-03-31', '916'), "
        "('R4', 'Another council''s risk', 'Someone', 5, 5, 25, 'High', 'no_change', '-', "
        "DATE '2023-06-30', '999')")
    page = lxml_html.fromstring(render_committee_report(copy, COUNCIL, PERIOD_END, tmp_path)
                                .read_text(encoding="utf-8"))
    rows = page.xpath("//table[@class='risks']/tbody/tr")
    assert [text_of(r.xpath("./th")[0]) for r in rows] == [
        "R1 Social worker recruitment", "R2 Placement sufficiency"]
    first = [text_of(c) for c in rows[0].xpath("./td")]
    assert first == ["Director of Children's Services", "4", "4", "16", "High",
                     "⇧ Risk value increasing", "Recruitment campaign", ""]
    assert "risk-high" in rows[0].xpath("./td")[4].get("class")
    assert "No risks were published" not in text_of(page)


class _Balance(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}
    SVG_EMPTY = {"line", "circle", "polyline", "path", "rect"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in self.VOID | self.SVG_EMPTY:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} "
                               f"at line {self.getpos()[0]}")
        else:
            self.stack.pop()


def test_html_parses_balanced_and_has_no_external_urls_or_scripts(report):
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    checker = _Balance()
    checker.feed(text)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert not re.search(r"(?i)https?:|ftp:|//[a-z0-9]", text.replace("</", "<"))
    assert not re.search(r"(?i)<script|<link|<img|<iframe|@import|url\(|src=", text)
    hrefs = lxml_html.fromstring(text).xpath("//@href")
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert '<html lang="en-GB">' in text


def test_unpublished_quarter_or_missing_database_is_a_clear_error(published, tmp_path):
    with pytest.raises(ScorecardError, match="nothing published for council 916"):
        render_committee_report(published, COUNCIL, dt.date(2021, 6, 30), tmp_path)
    with pytest.raises(ScorecardError, match="no published database"):
        render_committee_report(tmp_path / "missing.duckdb", COUNCIL, PERIOD_END, tmp_path)


# --- printed with headless Chromium ------------------------------------------------------------

def test_missing_chromium_is_a_clear_error(report, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(ChromiumNotFound, match="apt-get install chromium"):
        html_to_pdf(report, tmp_path / "x.pdf")
    monkeypatch.delenv("SCORECARD_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumNotFound, match="was not found"):
        html_to_pdf(report, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_missing_pdfinfo_is_a_clear_error_that_the_command_treats_as_no_pdf(tmp_path,
                                                                           monkeypatch):
    from scorecard.report.pdf import PopplerNotFound, PrintToolNotFound, destination_pages

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PopplerNotFound, match=r"apt-get install poppler-utils") as raised:
        destination_pages(tmp_path / "x.pdf")
    assert isinstance(raised.value, PrintToolNotFound)  # `scorecard report` skips the PDF


def _pdftotext(pdf: Path, *args: str) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


@pytest.mark.browser
def test_pdf_printed_by_chromium_has_key_titles_and_a4_landscape_pages(report, tmp_path,
                                                                       report_rows):
    started = time.monotonic()
    pdf = html_to_pdf(report, tmp_path / "committee.pdf")
    seconds = time.monotonic() - started
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert pages >= 4
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    # in content order (-raw): a wrapped cell's lines stay together; compared without
    # whitespace, since a cell may wrap anywhere ("aged 19-" / "21 who ...")
    text = re.sub(r"\s+", "", _pdftotext(pdf, "-raw"))

    def squeezed(words: str) -> str:
        return re.sub(r"\s+", "", words)

    assert squeezed("Key to Symbols") in re.sub(r"\s+", "", _pdftotext(pdf, "-f", "2", "-l", "2"))
    assert squeezed("Purpose of the report") in text and squeezed("Risk Rating") in text
    for kpi in catalogue():
        assert squeezed(kpi["title"]) in text, kpi["title"]
    for r in report_rows.values():
        assert squeezed(f"{r['symbol']} {r['status_label']}") in text, r["kpi_code"]
    for label in PREVIOUS_LABELS:
        assert label in text
    assert re.search(r"Page1of\d+", text)
    print(f"chromium print-to-pdf: {seconds:.2f} s, {pages} pages")


# --- the printed report's contents and page rule -----------------------------------------------

MM = 72 / 25.4
PAGE_TOP, PAGE_BOTTOM = 11 * MM, 13 * MM  # committee.css: @page margin (top, bottom) in points
REPUBLISHED = [  # the quarter republished twelve times: the contents run onto page 2
    "INSERT INTO published.publications SELECT 'republished' || i, run_id, council_code, "
    "period_end, published_at + i * INTERVAL 1 DAY, kpi_rows, extracts, checks_run, "
    f"checks_failed_warning FROM published.publications, range(1, 13) AS t(i) "
    f"WHERE period_end = DATE '{PERIOD_END}' AND council_code = '{COUNCIL}'"]


def scorecard_titles() -> list[str]:
    return list(dict.fromkeys(f"{k['scorecard']} — {k['service']}" for k in catalogue()))


def contents_titles() -> list[str]:
    """The seed's contents from the catalogue: the key, risk, then each scorecard followed by
    its sections, in report order."""
    titles = ["Key to Symbols", "Risk"]
    for card in scorecard_titles():
        titles.append(card)
        titles += list(dict.fromkeys(k["section"] for k in catalogue()
                                     if f"{k['scorecard']} — {k['service']}" == card))
    return titles


def _page_texts(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [_pdftotext(pdf, "-layout", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def _page_fill(pdf: Path) -> list[float]:
    """How far down its text area each page's lowest word reaches (0 empty … 1 full); the
    footer, in the bottom margin, does not count."""
    fills = []
    for page in re.findall(r"<page (.*?)</page>", _pdftotext(pdf, "-bbox"), re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        bottom = height - PAGE_BOTTOM
        lowest = max([float(y) for y in re.findall(r'yMax="([\d.]+)"', page)
                      if float(y) <= bottom], default=PAGE_TOP)
        fills.append((lowest - PAGE_TOP) / (bottom - PAGE_TOP))
    return fills


@pytest.mark.browser
@pytest.mark.parametrize("variant", ["demo", "republished"])
def test_printed_contents_give_each_headings_page_and_no_page_is_left_half_empty(
        published, tmp_path, variant):
    source = published if variant == "demo" else modified_copy(published, tmp_path, *REPUBLISHED)
    pdf = print_committee_report(source, COUNCIL, PERIOD_END, tmp_path / "committee.pdf")
    pages = _page_texts(pdf)
    lines = [(number, line.strip()) for number, text in enumerate(pages, start=1)
             for line in text.splitlines() if line.strip()]
    # the contents as printed: "3. Children & Young People — ... 5", "a. Quality Assurance 5"
    start = next(i for i, (_, line) in enumerate(lines) if line == "Contents")
    end = next(i for i, (_, line) in enumerate(lines) if i > start and line == "Key to Symbols")
    printed = [m.groups() for _, line in lines[start:end]
               if (m := re.fullmatch(r"(?:\d+|[a-z])\.\s+(.+?)\s+(\d+)", line))]
    assert [title for title, _ in printed] == contents_titles()
    if variant == "republished":  # what this variant is for: the key follows on the same page
        assert lines[end - 1][0] == lines[end][0] > lines[start][0]
    # each heading found in the page texts, in order, after the contents: a line of its own
    landed, at = {}, end
    for title in contents_titles():
        at = next(i for i in range(at, len(lines)) if lines[i][1] == title)
        landed[title] = lines[at][0]
    assert {title: int(page) for title, page in printed} == landed
    assert landed["Key to Symbols"] >= 2 and landed[contents_titles()[-1]] <= len(pages)

    # each scorecard starts a page; every other page is at least half full, but a scorecard's
    # (or the front matter's) last page
    firsts = [text.strip().splitlines()[0].strip() for text in pages]
    starts = [n for n, first in enumerate(firsts, start=1) if first in scorecard_titles()]
    assert starts == [landed[card] for card in scorecard_titles()]
    last_pages = {n - 1 for n in starts} | {len(pages)}
    fills = _page_fill(pdf)
    assert len(fills) == len(pages)
    checked = {n: round(fill, 2) for n, fill in enumerate(fills, start=1) if n not in last_pages}
    assert len(checked) >= 4, checked
    assert all(fill >= 0.5 for fill in checked.values()), (variant, checked)
    print(f"{variant}: {len(pages)} pages, fill {[round(f, 2) for f in fills]}")


def test_contents_are_printed_until_their_numbers_hold_else_no_pdf(published, page, tmp_path,
                                                                  monkeypatch):
    """Print, read where the headings landed, number the contents, print again: the PDF kept is
    one whose contents give the pages its own headings are on; a layout that keeps moving stops
    after four prints with an error and no PDF. (Chromium and pdfinfo stood in for.)"""
    from scorecard.report import pdf as printing

    anchors = [a.get("href")[1:] for a in page.xpath("//nav[@id='contents']//a")]
    data = load_committee_data(published, COUNCIL, PERIOD_END)
    prints: list[str] = []
    one_browser = object()  # every print goes to the one browser it is given

    def fake_print(html, out, browser=None):
        assert browser is one_browser
        prints.append(Path(html).read_text(encoding="utf-8"))
        Path(out).write_bytes(f"%PDF-1.7 print {len(prints)}".encode())
        return Path(out)

    def numbers(html: str) -> list[str]:
        return [text_of(e) for e in lxml_html.fromstring(html).xpath(
            "//nav[@id='contents']//span[@class='page-number']")]

    monkeypatch.setattr(printing, "html_to_pdf", fake_print)
    landed = {anchor: 2 + i // 4 for i, anchor in enumerate(anchors)}  # 2, 2, 2, 2, 3, ...
    monkeypatch.setattr(printing, "destination_pages", lambda pdf: dict(landed))
    out = print_committee_pdf(data, tmp_path / "out" / "committee.pdf", browser=one_browser)
    assert len(prints) == 2
    assert numbers(prints[0]) == ["page 0"] * len(anchors)  # the first print: placeholders
    assert numbers(prints[1]) == [f"page {landed[a]}" for a in anchors]
    assert out.read_bytes() == b"%PDF-1.7 print 2"
    assert [p.name for p in out.parent.iterdir()] == ["committee.pdf"]

    prints.clear()  # every print moves each heading a page further: it never settles
    monkeypatch.setattr(printing, "destination_pages",
                        lambda pdf: {a: len(prints) + i for i, a in enumerate(anchors)})
    with pytest.raises(ScorecardError, match=r"committee\.pdf: the contents' page numbers "
                                             r"still moved after 4 prints .*key 3→4"):
        print_committee_pdf(data, tmp_path / "moving" / "committee.pdf", browser=one_browser)
    assert len(prints) == 4 and list((tmp_path / "moving").iterdir()) == []

    monkeypatch.setattr(printing, "destination_pages",
                        lambda pdf: {a: 2 for a in anchors if a != "risk"})
    with pytest.raises(ScorecardError, match="no page for risk"):
        print_committee_pdf(data, tmp_path / "missing" / "committee.pdf", browser=one_browser)
    assert list((tmp_path / "missing").iterdir()) == []


def _png_pixels(path: Path):
    """Width, height and the RGB pixels (an array height × width × 3) of an 8-bit PNG, decoded
    here (no imaging library in the project)."""
    import numpy as np

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 4 if colour == 6 else 3
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            out = line.copy()
        elif kind == 1:  # Sub: a running sum along each channel
            out = (np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint64) % 256
                   ).astype(np.uint8).reshape(stride)
        elif kind == 2:  # Up
            out = line + previous
        else:  # Average, Paeth: sequential, byte by byte
            out = bytearray(line.tobytes())
            up_row = previous.tobytes()
            for x in range(stride):
                left = out[x - channels] if x >= channels else 0
                up = up_row[x]
                if kind == 3:
                    out[x] = (out[x] + (left + up) // 2) & 0xFF
                else:
                    corner = up_row[x - channels] if x >= channels else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    out[x] = (out[x] + (left if pa <= pb and pa <= pc else
                                        up if pb <= pc else corner)) & 0xFF
            out = np.frombuffer(bytes(out), dtype=np.uint8)
        pixels[y] = out
        previous = pixels[y]
    return width, height, pixels.reshape(height, width, channels)[:, :, :3]


@pytest.mark.browser
def test_screenshot_by_chromium_is_a_non_blank_report(report, tmp_path):
    started = time.monotonic()
    png = html_screenshot(report, tmp_path / "committee.png", *SCREEN)
    seconds = time.monotonic() - started
    width, height, pixels = _png_pixels(png)
    assert (width, height) == SCREEN
    colours = {tuple(p) for p in pixels[::2, ::2].reshape(-1, 3).tolist()}
    inked = float((pixels.sum(axis=2) < 3 * 250).mean())
    assert len(colours) > 20, "the screenshot is (nearly) one colour"
    assert 0.02 < inked < 0.9, inked
    # the report's heading colour (#1d3a5f) is on the page, in more than a few pixels
    heading = (abs(pixels.astype(int) - (0x1D, 0x3A, 0x5F)).max(axis=2) < 16).sum()
    assert heading > 500, heading
    print(f"chromium screenshot: {seconds:.2f} s")


# --- XLSX and Parquet --------------------------------------------------------------------------

def test_xlsx_one_sheet_per_scorecard_with_formats_and_status_rules(published, tmp_path,
                                                                     report_rows):
    out = write_scorecard_xlsx(published, COUNCIL, PERIOD_END, tmp_path / "scorecard.xlsx")
    workbook = load_workbook(out)
    services = list(dict.fromkeys(k["service"] for k in catalogue()))
    assert workbook.sheetnames == services  # Children's Social Care, Good Management
    for ws, service in zip(workbook.worksheets, services):
        assert service in ws["A1"].value and "Quarter 1 2023/24" in ws["A2"].value
        titles = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
        header_row = next(r for r in range(1, ws.max_row + 1)
                          if ws.cell(row=r, column=1).value == "Measure")
        headers = [ws.cell(row=header_row, column=c).value for c in range(1, 17)]
        assert headers[3:11] == [*PREVIOUS_LABELS, "Actual Jun-23", "Target Jun-23", "Symbol",
                                 "Status"]
        assert "Comments" in headers and "Comparator Group" in headers
        for kpi in (k for k in catalogue() if k["service"] == service):
            r = report_rows[kpi["kpi_code"]]
            row = titles[kpi["title"]]
            assert ws.cell(row=row, column=10).value == r["symbol"]
            assert ws.cell(row=row, column=11).value == r["status_label"]
            actual = ws.cell(row=row, column=8)
            if r["actual"] is None:
                assert actual.value is None
            elif r["unit"] == "percent":
                assert actual.value == pytest.approx(r["actual"] / 100)
                assert actual.number_format == "0." + "0" * r["decimals"] + "%"
            else:
                assert actual.value == pytest.approx(r["actual"])
                assert actual.number_format == ("0." + "0" * r["decimals"]
                                                if r["decimals"] else "0")
        rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
        formulas = " ".join(f for rule in rules for f in rule.formula)
        assert len(rules) == 6
        assert '="Performance significantly worse than target"' in formulas
        assert all(rule.dxf.fill is not None for rule in rules)
        ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
        assert all(rng.startswith("J") and ":K" in rng for rng in ranges)


def test_xlsx_comparators_are_numbers_and_rows_fit_their_wrapped_text(published, tmp_path,
                                                                      report_rows):
    """The comparator column holds numbers or blanks only (no `n/a` text to break a sum or a
    sort), and each KPI row has a height for its longest wrapped cell: LibreOffice prints rows at
    the height stored in the file, so a row without one overlaps the next."""
    out = write_scorecard_xlsx(published, COUNCIL, PERIOD_END, tmp_path / "scorecard.xlsx")
    workbook = load_workbook(out)
    for ws in workbook.worksheets:
        titles = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
        for kpi in (k for k in catalogue() if k["title"] in titles):
            row, r = titles[kpi["title"]], report_rows[kpi["kpi_code"]]
            comparator = ws.cell(row=row, column=15).value
            assert comparator is None or isinstance(comparator, (int, float))
            assert (comparator is None) == (r["comparator"] is None)
            if comparator is None:
                assert ws.cell(row=row, column=16).value == "no comparator"
            # the comment column is 60 characters wide: 65 characters a line at most
            comment = ws.cell(row=row, column=14).value or ""
            lines = max(1, -(-len(comment) // 65))
            assert ws.row_dimensions[row].height >= 15 * lines


def _libreoffice_pdf(xlsx: Path, out_dir: Path) -> Path:
    """The workbook printed to PDF by LibreOffice Calc (headless, a throw-away profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, ("LibreOffice is missing: apt-get install libreoffice-calc-nogui "
                     "(.ci/install-browser-tools does)")
    profile = out_dir / "lo-profile"
    subprocess.run([soffice, "--headless", "--norestore", "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(xlsx)], check=True, capture_output=True,
                   timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(out_dir)})
    pdf = out_dir / f"{xlsx.stem}.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


def _pdf_word_lines(pdf: Path) -> list[list[tuple[float, str]]]:
    """Every page's words as lines (words sharing a baseline, left to right), pages in order:
    each word as (its left edge in points, its text)."""
    import html as html_text

    lines: list[list[tuple[float, str]]] = []
    for page in re.findall(r"<page .*?</page>", _pdftotext(pdf, "-bbox"), re.S):
        words = sorted((float(y1), float(x0), html_text.unescape(w)) for x0, y1, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
            page))
        page_lines: list[tuple[float, list[tuple[float, str]]]] = []
        for baseline, x0, word in words:
            if page_lines and abs(page_lines[-1][0] - baseline) < 2:
                page_lines[-1][1].append((x0, word))
            else:
                page_lines.append((baseline, [(x0, word)]))
        lines += [sorted(words_of_line) for _, words_of_line in page_lines]
    return lines


@pytest.mark.slow
@pytest.mark.office
def test_xlsx_printed_by_libreoffice_shows_every_row_whole_in_order(published, tmp_path,
                                                                    report_rows):
    """LibreOffice prints rows at the heights stored in the file: each KPI's full title is in
    the measure column on consecutive lines (no row overlapping the next), in report order, with
    its quarters, actual and target as figures and its comparator as a number (and year) at the
    row's end; every page is A4 landscape."""
    xlsx = write_scorecard_xlsx(published, COUNCIL, PERIOD_END, tmp_path / "scorecard.xlsx")
    started = time.monotonic()
    pdf = _libreoffice_pdf(xlsx, tmp_path)
    seconds = time.monotonic() - started
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts", info), info
    lines = _pdf_word_lines(pdf)
    column_b = None  # where the measure column ends: the section header's "High/Low"

    def measure(i: int) -> str:
        return "".join(w for x, w in lines[i] if column_b and x < column_b)

    def rest(i: int) -> list[str]:
        return [w for x, w in lines[i] if column_b and x >= column_b]

    at = 0
    for kpi in catalogue():
        r = report_rows[kpi["kpi_code"]]
        title = re.sub(r"\s+", "", kpi["title"])
        while True:  # the row's first line: its measure text begins the title and its good
            # performance follows (a section's own row may begin with the same words)
            words = [w for _, w in lines[at]]
            if words[:1] == ["Measure"] and "High/Low" in words:
                column_b = lines[at][words.index("High/Low")][0] - 1
            fragment = measure(at)
            if (len(fragment) >= min(12, len(title)) and title.startswith(fragment)
                    and rest(at)[:1] == r["good_performance"].split()[:1]):
                break
            at += 1
            assert at < len(lines), f"{kpi['title']}: not found (in order) in the print"
        first, joined = at, ""
        while len(joined) < len(title):  # the title's lines, nothing between them
            joined += measure(at)
            at += 1
        assert joined == title, (kpi["kpi_code"], joined)
        row = rest(first)
        values = [r["q_minus_4"], r["q_minus_3"], r["q_minus_2"], r["q_minus_1"], r["actual"],
                  r["target"]]
        figures = [shown(v, r["unit"], r["decimals"]) for v in values if v is not None]
        numbers = [w for w in row if re.fullmatch(r"-?\d+(\.\d+)?%?", w)]
        assert numbers[:len(figures)] == figures, (kpi["kpi_code"], row)
        if r["comparator"] is None:
            assert row[-2:] == ["no", "comparator"], (kpi["kpi_code"], row)
        else:
            assert row[-2:] == [shown(r["comparator"], r["unit"], r["decimals"]),
                                r["comparator_year"]], (kpi["kpi_code"], row)
    print(f"libreoffice convert-to pdf: {seconds:.2f} s")


def test_xlsx_escapes_formula_like_text(published, tmp_path):
    hostile = {"GM01": '=HYPERLINK("http://example.invalid","click")', "GM02": "+1+1",
               "GM03": "@SUM(1,2)", "QA01": "-2+3"}
    copy = modified_copy(published, tmp_path, *[
        f"UPDATE published.scorecard SET comment = '{text.replace(chr(39), chr(39) * 2)}' "
        f"WHERE kpi_code = '{code}' AND period_end = DATE '{PERIOD_END}'"
        for code, text in hostile.items()])
    out = write_scorecard_xlsx(copy, COUNCIL, PERIOD_END, tmp_path / "scorecard.xlsx")
    workbook = load_workbook(out)
    found = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.lstrip("'") in hostile.values():
                    found[cell.value.lstrip("'")] = cell.value
    assert found == {text: "'" + text for text in hostile.values()}


def test_parquet_one_file_per_published_table_and_view_with_equal_row_counts(published,
                                                                            tmp_path):
    files = write_published_parquet(published, tmp_path / "parquet")
    con = duckdb.connect(str(published), read_only=True)
    try:
        relations = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
            "ORDER BY 1").fetchall()]
        assert {"scorecard", "scorecard_report", "publications", "data_quality",
                "kpi_breakdowns"} <= set(relations)
        assert [f.name for f in files] == [f"{name}.parquet" for name in relations]
        assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == sorted(
            f.name for f in files)
        for name, path in zip(relations, files):
            expected = con.execute(f"SELECT count(*) FROM published.{name}").fetchone()[0]
            assert con.execute("SELECT count(*) FROM read_parquet(?)",
                               [str(path)]).fetchone()[0] == expected, name
        columns = [r[0] for r in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(files[relations.index("scorecard")])]
        ).fetchall()]
        assert columns == [r[0] for r in con.execute("DESCRIBE published.scorecard").fetchall()]
    finally:
        con.close()
