"""The CIN census XML reader: rows, lines and referral numbers; refusing what is unsafe or wrong.

Every XML document here is written out by hand, so the expected lines can be read off the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time

import duckdb
import polars as pl
import pytest

from scorecard.ingest import cin_xml
from scorecard.ingest.cin_xml import DTD_REFUSED, read_cin_census
from scorecard.gate.defects import defect_report, summarise_loads, write_defect_report
from scorecard.spreadsheet_safe import escape_formulas
from scorecard.errors import ContractError
from scorecard.ingest.landing import ExtractFile
from scorecard.ingest.load import load_extract
from scorecard.ingest.read import read_extract
from scorecard.ingest.sources import social_care as sc
from scorecard.warehouse import initialise

CENSUS = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <Source>
      <LEA>916</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID> C1 </LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-03-27</PersonBirthDate>
        <Sex>1</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-10-06</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2023-01-05</CINreferralDate>
        <Assessments>
          <AssessmentActualStartDate>2023-01-06</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2023-02-01</AssessmentAuthorisationDate>
        </Assessments>
        <Assessments>
          <AssessmentActualStartDate>2023-03-01</AssessmentActualStartDate>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2023-01-07</S47ActualStartDate>
          <ICPCnotRequired>true</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2023-01-20</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C2</LAchildID>
        <PersonBirthDate></PersonBirthDate>
        <GenderCurrent>9</GenderCurrent>
        <Nickname>not in the contract</Nickname>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-02-30</CINreferralDate>
        <DateOfInitialCPC>2023-03-01</DateOfInitialCPC>
      </CINdetails>
      <CINdetails>
        <ReferralSource>1A</ReferralSource>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


@pytest.fixture(autouse=True, params=["scan", "lxml"])
def reader(request, monkeypatch):
    """Every test here runs twice: with a plain census read by the byte scan (`cin_scan`, the
    default) and with every census read by the lxml walk. Both must give the same answers."""
    monkeypatch.setattr(cin_xml, "SCAN_FIRST", request.param == "scan")
    cin_xml.clear_cache()
    yield request.param
    cin_xml.clear_cache()


def write(tmp_path, text: str | bytes, name: str = "cin_census.xml"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_rows_lines_and_referral_numbers(tmp_path):
    tables = read_cin_census(write(tmp_path, CENSUS), "916")
    assert set(tables) == {c.table for c in sc.CIN_CENSUS}
    for contract in sc.CIN_CENSUS:
        assert tables[contract.table].columns == ["_row_number", "council_code",
                                                  *contract.column_names]

    children = tables["cin_children"]
    assert children.rows() == [
        (9, "916", "C1", "A123456789012", "2015-03-27", "1", "WBRI"),
        (41, "916", "C2", None, None, "9", None),
    ]
    assert [line_of(CENSUS, "<Child>", n) for n in (1, 2)] == [9, 41]

    referrals = tables["cin_referrals"].select(
        "_row_number", "la_child_id", "referral_number", "cin_referral_date", "referral_source",
        "referral_nfa")
    assert referrals.rows() == [
        (17, "C1", "1", "2022-10-06", None, "false"),
        (21, "C1", "2", "2023-01-05", None, None),
        (48, "C2", "1", "2023-02-30", None, None),
        (52, "C2", "2", None, "1A", None),
    ]
    assert [line_of(CENSUS, "<CINdetails>", n) for n in (1, 2, 3, 4)] == [17, 21, 48, 52]

    assert tables["cin_assessments"].rows() == [
        (23, "916", "C1", "2", "2023-01-06", "2023-02-01"),
        (27, "916", "C1", "2", "2023-03-01", None),
    ]
    assert tables["cin_section47"].rows() == [(30, "916", "C1", "2", "2023-01-07", None, None, "true")]
    assert tables["cin_cp_plans"].rows() == [(34, "916", "C1", "2", "2023-01-20", None, "NEG", None, "0")]
    assert [line_of(CENSUS, tag) for tag in ("<Assessments>", "<Section47>", "<ChildProtectionPlans>")] \
        == [23, 30, 34]


def test_each_child_is_cleared_and_dropped_once_read(tmp_path, monkeypatch):
    monkeypatch.setattr(cin_xml, "SCAN_FIRST", False)  # the lxml walk's own memory rule
    seen = []
    original = cin_xml._take_child

    def spy(child, *args):
        before = list(child.itersiblings(preceding=True))
        seen.append((len(child), [len(sibling) for sibling in before]))
        original(child, *args)

    monkeypatch.setattr(cin_xml, "_take_child", spy)
    extra = CENSUS.replace("  </Children>", "    <Child><ChildIdentifiers><LAchildID>C3</LAchildID>"
                           "</ChildIdentifiers></Child>\n  </Children>")
    tables = read_cin_census(write(tmp_path, extra), None)
    assert tables["cin_children"]["la_child_id"].to_list() == ["C1", "C2", "C3"]
    # each child arrives whole; of the children read before it, only the last is still in the
    # tree, and that one has been emptied
    assert seen == [(4, []), (3, [0]), (1, [0])]


def test_gender_current_is_read_as_sex(tmp_path):
    text = CENSUS.replace("<Sex>1</Sex>", "<GenderCurrent> 2 </GenderCurrent>")
    children = read_cin_census(write(tmp_path, text), "916")["cin_children"]
    assert children["sex"].to_list() == ["2", "9"]


def test_element_defects_reach_quarantine_with_line_and_column(tmp_path):
    path = write(tmp_path / "landing", CENSUS)
    con = duckdb.connect()
    initialise(con)
    result = load_extract(con, ExtractFile(sc.CIN_REFERRALS, path, dt.date(2023, 7, 7), "x", "916"),
                          "run1")
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    problems = con.execute("SELECT source_file, row_number, column_name, value, reason "
                           "FROM quarantine.rows ORDER BY row_number").fetchall()
    assert problems == [
        (str(path), 48, "cin_referral_date", "2023-02-30", "not a valid date (yyyy-mm-dd)"),
        (str(path), 52, "cin_referral_date", None, "required value missing"),
    ]
    loaded = con.execute("SELECT _row_number, council_code, la_child_id, referral_number "
                         "FROM raw.social_care__cin_referrals ORDER BY 1").fetchall()
    assert loaded == [(17, "916", "C1", "1"), (21, "916", "C1", "2")]


def test_the_file_is_read_once_per_run_and_again_when_it_changes(tmp_path, monkeypatch):
    calls = []
    original = cin_xml._read
    monkeypatch.setattr(cin_xml, "_read", lambda path, council: calls.append(path) or original(path, council))
    path = write(tmp_path, CENSUS)
    for contract in sc.CIN_CENSUS:
        read_extract(path, contract, "916")
    assert len(calls) == 1
    path.write_text(CENSUS.replace("<LAchildID>C2</LAchildID>", "<LAchildID>C9</LAchildID>"),
                    encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert read_extract(path, sc.CIN_CHILDREN, "916")["la_child_id"].to_list() == ["C1", "C9"]
    assert len(calls) == 2


def test_wrong_council_is_refused(tmp_path):
    path = write(tmp_path, CENSUS.replace("<LEA>916</LEA>", "<LEA>201</LEA>"))
    with pytest.raises(ContractError) as raised:
        read_cin_census(path, "916")
    error = raised.value
    assert (error.file, error.row, error.column) == (str(path), 5, "LEA")
    assert error.reason == "file is for council 201, extract.json says 916"
    assert read_cin_census(path, None)["cin_children"]["council_code"].unique().to_list() == ["201"]


@pytest.mark.parametrize("header, reason", [
    ("<Header><Source><SourceLevel>L</SourceLevel></Source></Header>", "no <LEA>"),
    ("<Header><Source><LEA> </LEA></Source></Header>", "no <LEA>"),
    ("<Header><Source><LEA>Kent</LEA></Source></Header>", "'Kent' is not a three-digit LA code"),
])
def test_missing_or_unusable_lea_is_refused(tmp_path, header, reason):
    text = CENSUS.replace("<Header>\n    <Source>\n      <LEA>916</LEA>\n    </Source>\n  </Header>",
                          header)
    assert header in text
    with pytest.raises(ContractError, match=reason) as raised:
        read_cin_census(write(tmp_path, text), None)
    assert raised.value.column == "LEA"


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Message><Header><Source><LEA>916</LEA></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>&x;</LAchildID></ChildIdentifiers></Child></Children>
</Message>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header><Source><LEA>916</LEA></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child></Children>
</Message>
"""


def passwd_line() -> str:
    try:
        with open("/etc/passwd", encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip()
    except OSError:
        return "root:x:0:0"


@pytest.mark.parametrize("backstop_only", [False, True], ids=["prolog-scan", "docinfo-backstop"])
def test_xxe_is_refused_and_never_resolved(tmp_path, monkeypatch, backstop_only):
    if backstop_only:  # the parser's own settings and the DOCTYPE check after the first event
        monkeypatch.setattr(cin_xml, "_refuse_doctype", lambda path: None)
    path = write(tmp_path, XXE)
    with pytest.raises(ContractError) as raised:
        read_cin_census(path, "916")
    error = raised.value
    assert error.reason == DTD_REFUSED
    assert error.file == str(path)
    assert error.row == (1 if backstop_only else 2)
    secret = passwd_line()
    assert secret and secret not in str(error)
    assert "root:" not in str(error)


@pytest.mark.parametrize("backstop_only", [False, True], ids=["prolog-scan", "docinfo-backstop"])
def test_billion_laughs_is_refused_quickly(tmp_path, monkeypatch, backstop_only):
    if backstop_only:
        monkeypatch.setattr(cin_xml, "_refuse_doctype", lambda path: None)
    started = time.monotonic()
    with pytest.raises(ContractError, match="DOCTYPE or entities: refused"):
        read_cin_census(write(tmp_path, LAUGHS), "916")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("text, line", [
    ('<!DOCTYPE Message>\n<Message/>', 1),
    ('<?xml version="1.0"?>\n<!-- exported by CMS -->\n<!-- x -->\n<!DOCTYPE Message SYSTEM '
     '"http://example.invalid/cin.dtd">\n<Message/>', 4),
    ('\ufeff<?xml version="1.0"?>\n<!ENTITY x "y">\n<Message/>', 2),
])
def test_any_doctype_or_declaration_in_the_prolog_is_refused(tmp_path, text, line):
    with pytest.raises(ContractError) as raised:
        read_cin_census(write(tmp_path, text), None)
    assert (raised.value.row, raised.value.reason) == (line, DTD_REFUSED)


def test_doctype_in_a_utf16_file_is_refused(tmp_path):
    text = XXE.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(ContractError, match="DOCTYPE or entities: refused"):
        read_cin_census(write(tmp_path, text.encode("utf-16")), "916")


def test_malformed_xml_names_file_and_line(tmp_path):
    text = CENSUS.replace("<LAchildID>C2</LAchildID>", "<LAchildID>C2</LAchildId>")
    path = write(tmp_path, text)
    with pytest.raises(ContractError) as raised:
        read_cin_census(path, "916")
    error = raised.value
    assert (error.file, error.row) == (str(path), line_of(text, "<LAchildID>C2"))
    assert error.row == 43
    assert "not well-formed XML" in error.reason
    assert f"{path}, row 43: not well-formed XML" in str(error)


@pytest.mark.parametrize("text, reason", [
    ("", "file is empty"), ("   \n", "file is empty"),
    ("<Message><Header>", "not well-formed XML: Premature end of data"),
    ("not xml at all", "not well-formed XML"),
])
def test_empty_truncated_or_non_xml_file_is_a_contract_error(tmp_path, text, reason):
    with pytest.raises(ContractError, match=reason):
        read_cin_census(write(tmp_path, text), None)


def test_undeclared_entity_is_malformed_not_resolved(tmp_path):
    text = CENSUS.replace("<LAchildID>C2</LAchildID>", "<LAchildID>&x;</LAchildID>")
    with pytest.raises(ContractError, match="not well-formed XML") as raised:
        read_cin_census(write(tmp_path, text), "916")
    assert raised.value.row == 43


def test_namespaced_census_is_read_the_same(tmp_path):
    text = CENSUS.replace("<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">')
    tables = read_cin_census(write(tmp_path, text), "916")
    assert tables["cin_referrals"].height == 4
    assert tables["cin_children"]["la_child_id"].to_list() == ["C1", "C2"]


def test_defect_report_from_a_census_is_safe_to_open_in_a_spreadsheet(tmp_path):
    text = (CENSUS.replace("<CINreferralDate>2023-02-30", "<CINreferralDate>=HYPERLINK(\"x\")")
            .replace("<ReferralSource>1A", "<CINreferralDate>@SUM(A1)</CINreferralDate><ReferralSource>1A"))
    path = write(tmp_path / "landing", text)
    con = duckdb.connect()
    initialise(con)
    for contract in sc.CIN_CENSUS:
        load_extract(con, ExtractFile(contract, path, dt.date(2023, 7, 7), "x", "916"), "run1")
    absent = tmp_path / "landing" / "contacts.csv"
    load_extract(con, ExtractFile(sc.CONTACTS, absent, dt.date(2023, 7, 7), None, "916"), "run1")

    report = defect_report(con)
    assert report.rows() == [
        ("social_care", "cin_referrals", str(path), 48, "cin_referral_date", '=HYPERLINK("x")',
         "not a valid date (yyyy-mm-dd)"),
        ("social_care", "cin_referrals", str(path), 52, "cin_referral_date", "@SUM(A1)",
         "not a valid date (yyyy-mm-dd)"),
    ]
    out = write_defect_report(con, tmp_path / "report" / "defects.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [row["value"] for row in csv.DictReader(handle)]
    assert cells == ['\'=HYPERLINK("x")', "'@SUM(A1)"]
    assert escape_formulas(pl.DataFrame({"v": ["+1", "-2", "\tx", "ok", None]}))["v"].to_list() \
        == ["'+1", "'-2", "'\tx", "ok", None]

    summary = {r["source_table"]: r for r in summarise_loads(con).iter_rows(named=True)}
    assert (summary["cin_referrals"]["rows_in"], summary["cin_referrals"]["rows_loaded"],
            summary["cin_referrals"]["rows_quarantined"]) == (4, 2, 2)
    assert summary["cin_referrals"]["file_status"] == "present"
    assert summary["cin_referrals"]["file"] == str(path)
    assert summary["cin_children"]["rows_in"] == 2
    assert (summary["contacts"]["file_status"], summary["contacts"]["rows_in"]) == ("absent", 0)
    assert summary["contacts"]["raw_table"] == "raw.social_care__contacts"


# Issue 11, item 1: record elements out of their schema place are counted and quarantined.
OUT_OF_PLACE = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><Source><LEA>916</LEA></Source></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>2023-01-05</CINreferralDate></CINdetails>
      <Referrals>
        <CINdetails>
          <CINreferralDate>2023-02-05</CINreferralDate>
          <Assessments><AssessmentActualStartDate>2023-02-06</AssessmentActualStartDate></Assessments>
        </CINdetails>
      </Referrals>
      <Section47><S47ActualStartDate>2023-02-07</S47ActualStartDate></Section47>
    </Child>
    <CINdetails><CINreferralDate>2023-03-05</CINreferralDate></CINdetails>
    <Child>
      <ChildIdentifiers><LAchildID>C2</LAchildID></ChildIdentifiers>
      <Ethnicity>WBRI</Ethnicity>
      <Child><ChildIdentifiers><LAchildID>C3</LAchildID></ChildIdentifiers></Child>
    </Child>
  </Children>
  <Archive><Old><Note>x</Note></Old></Archive>
  <Extra>a note, no elements inside</Extra>
</Message>
"""
PLACED = "element out of place (the CIN census schema has it at Message/Children/Child/{}): not read"


def test_record_elements_out_of_place_are_counted_and_quarantined(tmp_path):
    path = write(tmp_path / "landing", OUT_OF_PLACE)
    con = duckdb.connect()
    initialise(con)
    counts = {}
    for contract in sc.CIN_CENSUS:
        result = load_extract(con, ExtractFile(contract, path, dt.date(2023, 7, 7), "x", "916"),
                              "run1")
        counts[contract.table] = (result.rows_in, result.rows_loaded, result.rows_quarantined)
        logged = con.execute("SELECT rows_in, rows_loaded, rows_quarantined FROM meta.loads "
                             "WHERE source_table = ?", [contract.table]).fetchall()[0]
        assert logged == counts[contract.table]
    assert counts == {
        # C1 (line 5) loads: the <Referrals> it holds is not in the schema, but what that holds
        # is quarantined on its own. C2 (line 17) holds <Ethnicity> directly (line 19): its value
        # would be lost, so C2 is quarantined. C3 (line 20) is a <Child> inside a <Child>.
        # <Archive> (line 23) holds elements where only <Header> and <Children> belong: one
        # quarantined row. <Extra> (line 24) holds no element: nothing to count.
        "cin_children": (4, 1, 3),
        # line 7 loads (C1's referral 1); line 9 is inside <Referrals>; line 16 is in <Children>
        "cin_referrals": (3, 1, 2),
        # line 11 is inside the referral of line 9, itself out of place
        "cin_assessments": (1, 0, 1),
        # line 14 is directly inside <Child>, not inside a <CINdetails>
        "cin_section47": (1, 0, 1),
        "cin_cp_plans": (0, 0, 0),
    }
    problems = con.execute("SELECT source_table, row_number, column_name, value, reason "
                           "FROM quarantine.rows ORDER BY source_table, row_number").fetchall()
    assert problems == [
        ("cin_assessments", 11, "Assessments",
         "Message/Children/Child/Referrals/CINdetails/Assessments",
         PLACED.format("CINdetails/Assessments")),
        ("cin_children", 17, "Ethnicity", "Message/Children/Child/Ethnicity",
         "<Child> holds <Ethnicity> (line 19), which the CIN census schema does not put there: "
         "what it holds is not read"),
        ("cin_children", 20, "Child", "Message/Children/Child/Child",
         "element out of place (the CIN census schema has it at Message/Children/Child): not read"),
        ("cin_children", 23, "Archive", "Message/Archive",
         "<Message> holds <Archive>, which the CIN census schema does not put there: what it "
         "holds is not read"),
        ("cin_referrals", 9, "CINdetails", "Message/Children/Child/Referrals/CINdetails",
         PLACED.format("CINdetails")),
        ("cin_referrals", 16, "CINdetails", "Message/Children/CINdetails",
         PLACED.format("CINdetails")),
        ("cin_section47", 14, "Section47", "Message/Children/Child/Section47",
         PLACED.format("CINdetails/Section47")),
    ]
    # the quarantined record keeps what the element held, and the child it was found in
    [(record,)] = con.execute("SELECT record FROM quarantine.rows WHERE row_number = 9").fetchall()
    assert '"la_child_id": "C1"' in record and '"cin_referral_date": "2023-02-05"' in record
    assert con.execute("SELECT _row_number, la_child_id, referral_number, cin_referral_date "
                       "FROM raw.social_care__cin_referrals").fetchall() == [
        (7, "C1", "1", "2023-01-05")]


def test_elements_outside_children_are_freed_as_they_end(tmp_path, monkeypatch):
    """Issue 11, item 13: 2,000 elements in the header and in an unknown element before the
    children; when each child is read the tree holds only the path to it, not the 2,000."""
    junk = "".join(f"<Note>{n}</Note>\n" for n in range(1000))
    items = "".join(f"<Item><Code>{n}</Code></Item>\n" for n in range(1000))
    text = CENSUS.replace("    </Source>\n", "    </Source>\n" + junk).replace(
        "  <Children>", f"  <Padding>\n{items}  </Padding>\n  <Children>")
    monkeypatch.setattr(cin_xml, "SCAN_FIRST", False)  # the lxml walk's own memory rule
    sizes = []
    original = cin_xml._take_child

    def spy(child, *args):
        sizes.append(sum(1 for _ in child.getroottree().iter()))
        original(child, *args)

    monkeypatch.setattr(cin_xml, "_take_child", spy)
    tables = read_cin_census(write(tmp_path, text), "916")
    # the <Padding> (a quarantined row, before the children), C1 and C2
    assert tables["cin_children"]["la_child_id"].to_list() == [None, "C1", "C2"]
    # the first child: Message, Header (emptied), Padding (emptied), Children, and the child's
    # own 36 elements; nothing of the 2,000 notes and items
    assert sizes[0] < 50 and sizes[1] < 50, sizes


def test_a_census_on_one_line_numbers_rows_by_position(tmp_path):
    """A census written without line breaks is valid XML, but every element starts on line 1:
    lines cannot tell its rows apart, so each row is numbered by its position among its table's
    elements in the file (docs/contracts.md)."""
    path = write(tmp_path / "landing", CENSUS.replace("\n", ""))
    tables = read_cin_census(path, "916")
    # C1 is the 1st <Child>, C2 the 2nd
    assert tables["cin_children"].select("_row_number", "la_child_id").rows() == [
        (1, "C1"), (2, "C2")]
    # C1's two referrals are the 1st and 2nd <CINdetails>, C2's the 3rd and 4th
    assert tables["cin_referrals"].select("_row_number", "la_child_id", "referral_number").rows() \
        == [(1, "C1", "1"), (2, "C1", "2"), (3, "C2", "1"), (4, "C2", "2")]
    # both <Assessments> are in C1's second referral
    assert tables["cin_assessments"].select("_row_number", "referral_number").rows() == [
        (1, "2"), (2, "2")]
    con = duckdb.connect()
    initialise(con)
    result = load_extract(con, ExtractFile(sc.CIN_REFERRALS, path, dt.date(2023, 7, 7), "x", "916"),
                          "run1")
    # the 3rd <CINdetails> has 2023-02-30, the 4th no referral date: rows 3 and 4 quarantined
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    assert con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY 1").fetchall() == [
        (3, "not a valid date (yyyy-mm-dd)"), (4, "required value missing")]


def test_rows_beyond_line_65535_keep_the_line_their_element_starts_on(tmp_path):
    """libxml2 keeps a node's line in 16 bits; past line 65,535 lxml answers with the line where
    the element's first text ends: one line too far for a `<Child>` whose content starts on the
    next line. Every row's number is still its start tag's line, indented or compact (C3)."""
    padding = "".join(f"<Note>{n}</Note>\n" for n in range(70_000))
    compact = ("    <Child><ChildIdentifiers><LAchildID>C3</LAchildID></ChildIdentifiers>"
               "<CINdetails><CINreferralDate>2023-01-01</CINreferralDate><Assessments/>"
               "</CINdetails></Child>\n")
    text = CENSUS.replace("    </Source>\n", "    </Source>\n" + padding).replace(
        "  </Children>", compact + "  </Children>")
    tables = read_cin_census(write(tmp_path, text), "916")
    assert line_of(text, "<Child>", 1) > 70_000  # every child starts past line 65,535
    assert tables["cin_children"].select("_row_number", "la_child_id").rows() == [
        (line_of(text, "<Child>", 1), "C1"), (line_of(text, "<Child>", 2), "C2"),
        (line_of(text, "<Child><ChildIdentifiers><LAchildID>C3"), "C3")]
    assert tables["cin_referrals"]["_row_number"].to_list() == [
        line_of(text, "<CINdetails>", n) for n in (1, 2, 3, 4, 5)]
    assert tables["cin_assessments"]["_row_number"].to_list() == [
        line_of(text, "<Assessments>", 1), line_of(text, "<Assessments>", 2),
        line_of(text, "<Assessments/>")]
    assert tables["cin_section47"]["_row_number"].to_list() == [line_of(text, "<Section47>")]
    assert tables["cin_cp_plans"]["_row_number"].to_list() == [
        line_of(text, "<ChildProtectionPlans>")]
