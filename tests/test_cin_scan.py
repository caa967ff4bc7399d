"""The byte scan of a plain CIN census (`scorecard/ingest/cin_scan.py`) against the lxml walk.

For every file: the scan either declines it or returns exactly the lxml walk's frames, and it never
reads a file the lxml walk refuses or would quarantine rows of. Files here are DfE's schema as
councils send it (the census of `tests/test_cin_xml.py`, the Data-to-Insight censuses, the demo
council's), with one thing changed at a time; which reader read each is asserted, so a scan that
declined everything would fail.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from scorecard.errors import ContractError
from scorecard.ingest import cin_scan, cin_xml
from test_cin_xml import CENSUS

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external" / "d2i-cin"


@pytest.fixture(autouse=True)
def fresh_cache():
    cin_xml.clear_cache()
    yield
    cin_xml.clear_cache()


def walked(path: Path, council: str | None) -> cin_xml.CinTables:
    """The lxml walk's reading of a file."""
    cin_xml.clear_cache()
    saved, cin_xml.SCAN_FIRST = cin_xml.SCAN_FIRST, False
    try:
        return cin_xml.read_cin_census_checked(path, council)
    finally:
        cin_xml.SCAN_FIRST = saved
        cin_xml.clear_cache()


def read_by(path: Path, council: str | None = "916") -> str:
    """Which reader the pipeline used for the file, after checking it agrees with the lxml walk."""
    tables = cin_xml.read_cin_census_checked(path, council)
    reference = walked(path, council)
    for table, frame in reference.frames.items():
        assert_frame_equal(tables.frames[table], frame)
        assert_frame_equal(tables.problems[table], reference.problems[table])
    if tables.reader == "scan":
        assert all(p.height == 0 for p in reference.problems.values())
    return tables.reader


def write(tmp_path: Path, data: str | bytes) -> Path:
    path = tmp_path / "cin_census.xml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("change", [
    "as sent",
    "Windows line ends",
    "UTF-8 byte-order mark",
    "no declaration",
    "declaration in single quotes, standalone",
    "one line",
    "empty and self-closing values",
    "padded and non-ASCII values",
    "GenderCurrent in the characteristics",
    "a > in a value",
    "groups the contract does not read",
])
def test_the_scan_reads_a_plain_census_as_lxml_does(tmp_path, change):
    text = CENSUS
    if change == "Windows line ends":
        text = text.replace("\n", "\r\n")
    elif change == "UTF-8 byte-order mark":
        text = "\ufeff" + text
    elif change == "no declaration":
        text = text.split("\n", 1)[1]
    elif change == "declaration in single quotes, standalone":
        text = text.replace('<?xml version="1.0" encoding="UTF-8"?>',
                            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>")
    elif change == "one line":
        text = text.replace("\n", "")
    elif change == "empty and self-closing values":
        text = (text.replace("<UPN>A123456789012</UPN>", "<UPN/>")
                .replace("<ReferralNFA>false</ReferralNFA>", "<ReferralNFA>   </ReferralNFA>"))
    elif change == "padded and non-ASCII values":
        text = (text.replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>\u00a0\u3000WBRI\t</Ethnicity>")
                .replace("<LAchildID>C2</LAchildID>", "<LAchildID>Zoë\u2003</LAchildID>"))
    elif change == "GenderCurrent in the characteristics":
        old = ("<GenderCurrent>9</GenderCurrent>\n        <Nickname>not in the contract</Nickname>\n"
               "      </ChildIdentifiers>")
        assert old in text
        text = text.replace(old, "<Nickname>not in the contract</Nickname>\n      </ChildIdentifiers>\n"
                            "      <ChildCharacteristics><GenderCurrent>9</GenderCurrent>"
                            "</ChildCharacteristics>")
    elif change == "a > in a value":
        text = text.replace("<ReferralSource>1A</ReferralSource>", "<ReferralSource>1A></ReferralSource>")
    elif change == "groups the contract does not read":
        text = text.replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBRI</Ethnicity>"
                            "<Disabilities><Disability>COMM</Disability><Disability>HAND</Disability>"
                            "</Disabilities>")
    path = write(tmp_path, text)
    assert read_by(path) == "scan"
    children = cin_xml.read_cin_census(path, "916")["cin_children"]
    assert children.height == 2


def test_the_scan_keeps_the_lxml_rules_the_census_cannot_choose_between(tmp_path):
    """Hand-worked: the file's values as a reader must give them (stripped with Python's
    whitespace, empty = null; C2's sex from GenderCurrent; C1's referral numbers 1 and 2)."""
    path = write(tmp_path, CENSUS.replace("<Ethnicity>WBRI</Ethnicity>",
                                          "<Ethnicity>\u00a0WBRI\u2028</Ethnicity>"))
    tables = cin_xml.read_cin_census_checked(path, "916")
    assert tables.reader == "scan"
    assert tables.frames["cin_children"].rows() == [
        (9, "916", "C1", "A123456789012", "2015-03-27", "1", "WBRI"),
        (41, "916", "C2", None, None, "9", None)]
    assert tables.frames["cin_referrals"].select("la_child_id", "referral_number").rows() == [
        ("C1", "1"), ("C1", "2"), ("C2", "1"), ("C2", "2")]


@pytest.mark.parametrize("change, old, new", [
    ("a comment", "<Children>", "<Children><!-- exported -->"),
    ("a CDATA value", "<UPN>A123456789012</UPN>", "<UPN><![CDATA[A123456789012]]></UPN>"),
    ("an entity reference", "<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>W&amp;BRI</Ethnicity>"),
    ("a character reference", "<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>&#87;BRI</Ethnicity>"),
    ("a processing instruction", "<Children>", "<Children><?cms build=7?>"),
    ("a namespace", "<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">'),
    ("an attribute", "<Child>", '<Child status="open">'),
    ("a space in a tag", "<UPN>A123456789012</UPN>", "<UPN >A123456789012</UPN >"),
    ("a prefixed name", "<UPN>A123456789012</UPN>", "<x:UPN>A123456789012</x:UPN>"),
    ("Sex and GenderCurrent", "<Sex>1</Sex>", "<Sex>1</Sex><GenderCurrent>2</GenderCurrent>"),
    ("a value twice", "<Sex>1</Sex>", "<Sex></Sex><Sex>1</Sex>"),
    ("a value in both groups", "<Ethnicity>WBRI</Ethnicity>",
     "<Ethnicity>WBRI</Ethnicity><UPN>B123456789012</UPN>"),
    ("a referral value twice", "<ReferralNFA>false</ReferralNFA>",
     "<ReferralNFA>false</ReferralNFA><ReferralNFA>true</ReferralNFA>"),
    ("a group twice", "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>",
     "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
     "<ChildCharacteristics><Ethnicity>MIXD</Ethnicity></ChildCharacteristics>"),
    ("LAchildID among the characteristics", "<Ethnicity>WBRI</Ethnicity>",
     "<Ethnicity>WBRI</Ethnicity><LAchildID>X</LAchildID>"),
    ("a value holding an element", "<Sex>1</Sex>", "<Sex>1<Code>2</Code></Sex>"),
    ("an unknown element in a child", "<CINdetails>\n        <CINreferralDate>2022-10-06",
     "<Note>x</Note><CINdetails>\n        <CINreferralDate>2022-10-06"),
    ("a record out of place", "  </Children>", "    <CINdetails/>\n  </Children>"),
    ("an unknown element in the message", "  <Children>", "  <Archive><Item/></Archive>\n  <Children>"),
    ("a carriage return inside a value", "<UPN>A123456789012</UPN>", "<UPN>A1234\r56789012</UPN>"),
    ("a lone carriage return", "<Children>\n", "<Children>\r"),
    ("two LEAs", "<LEA>916</LEA>", "<LEA>916</LEA><LEA>916</LEA>"),
    ("another council", "<LEA>916</LEA>", "<LEA>201</LEA>"),
    ("an LEA that is not a code", "<LEA>916</LEA>", "<LEA>Kent</LEA>"),
    ("a mismatched end tag", "<LAchildID>C2</LAchildID>", "<LAchildID>C2</LAchildId>"),
    ("an unclosed element", "</Message>", ""),
    ("text after the root", "</Message>", "</Message>\ntrailing"),
    ("a second root", "</Message>", "</Message><Message/>"),
    ("a control character", "<UPN>A123456789012</UPN>", "<UPN>A123\x01456789012</UPN>"),
    ("U+FFFE", "<UPN>A123456789012</UPN>", "<UPN>A123\ufffe456789012</UPN>"),
    ("XML 1.1", 'version="1.0"', 'version="1.1"'),
    ("a '<' in a value", "<UPN>A123456789012</UPN>", "<UPN>A1<23</UPN>"),
    ("a name starting with a digit", "<UPN>A123456789012</UPN>", "<1UPN>A123456789012</1UPN>"),
    ("a value of a mebibyte", "<UPN>A123456789012</UPN>", "<UPN>" + "x" * (1 << 20) + "1</UPN>"),
    ("a text of eleven megabytes", "<UPN>A123456789012</UPN>",
     "<UPN>A123456789012</UPN><Note>" + "x" * 11_000_000 + "</Note>"),
])
def test_the_scan_declines_what_is_not_plain(tmp_path, change, old, new):
    assert old in CENSUS
    path = write(tmp_path, CENSUS.replace(old, new, 1))
    assert cin_scan.read_plain(path, "916") is None
    try:
        reference = walked(path, "916")
    except ContractError:
        return  # the lxml walk refuses it with its line: the scan did not read it either
    assert read_by(path) == "lxml"
    assert reference.reader == "lxml"


def test_an_lea_anywhere_but_the_header_is_left_to_lxml(tmp_path):
    """The lxml walk does not read an <LEA> inside a child (it refuses the file for want of
    one); the scan reads only Message/Header/Source/LEA, so it must not take this one either."""
    text = CENSUS.replace("<LEA>916</LEA>", "").replace(
        "<Sex>1</Sex>", "<Sex>1</Sex><Source><LEA>916</LEA></Source>")
    path = write(tmp_path, text)
    assert cin_scan.read_plain(path, "916") is None
    with pytest.raises(ContractError, match="no <LEA>"):
        walked(path, "916")


@pytest.mark.parametrize("encoding, declared", [("latin-1", "ISO-8859-1"), ("utf-16", "UTF-16")])
def test_other_encodings_are_left_to_lxml(tmp_path, encoding, declared):
    text = CENSUS.replace('encoding="UTF-8"', f'encoding="{declared}"').replace(
        "<LAchildID>C2</LAchildID>", "<LAchildID>Zoë</LAchildID>")
    path = write(tmp_path, text.encode(encoding))
    assert cin_scan.read_plain(path, "916") is None
    assert read_by(path) == "lxml"
    assert cin_xml.read_cin_census(path, "916")["cin_children"]["la_child_id"].to_list() == ["C1", "Zoë"]


def test_a_large_census_is_left_to_lxml_streaming(tmp_path, monkeypatch):
    path = write(tmp_path, CENSUS)
    monkeypatch.setattr(cin_scan, "PLAIN_LIMIT", path.stat().st_size - 1)
    assert read_by(path) == "lxml"


@pytest.mark.parametrize("name, council", [
    ("fake_CIN_data.xml", "975"), ("CIN_Census_2021.xml", "201"), ("CIN_Census_2024.xml", "201"),
    ("CIN_Census_2026.xml", "201")])
def test_data_to_insight_censuses_are_read_by_the_scan_as_by_lxml(name, council):
    """The Data-to-Insight validators' test censuses (../shared/external/d2i-cin)."""
    path = EXTERNAL / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the repository's README says where ../shared comes from")
    assert read_by(path, council) == "scan"


@pytest.mark.slow  # builds the demo council (7 s)
def test_the_demo_census_is_read_by_the_scan_as_by_lxml(tmp_path):
    import random  # noqa: PLC0415
    from scorecard_demo.cin_census import write_cin_census  # noqa: PLC0415 (demo only)
    from scorecard_demo.social_care import build_social_care  # noqa: PLC0415
    path = write_cin_census(tmp_path, "916", random.Random(7), build_social_care().referrals)
    assert read_by(path) == "scan"
    frames = cin_xml.read_cin_census(path, "916")
    assert frames["cin_children"].height > 1000
    assert frames["cin_children"]["_row_number"].is_unique().all()


def test_row_numbers_are_start_tag_lines_past_65535(tmp_path):
    """The lxml walk corrects libxml2's 16-bit lines; the scan counts line feeds, and they agree."""
    padding = "".join(f"<Note>{n}</Note>\n" for n in range(70_000))
    text = CENSUS.replace("    <Source>\n", "    <Source>\n" + padding)
    path = write(tmp_path, text)
    assert read_by(path) == "scan"
    lines = cin_xml.read_cin_census(path, "916")["cin_children"]["_row_number"].to_list()
    assert lines == [text.count("\n", 0, text.index("<Child>", i)) + 1
                     for i in (text.index("<Children>"), text.index("</Child>") + 1)]
    assert lines[1] > 70_000


def test_bytes_of_a_bom_are_not_text(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + CENSUS.encode("utf-8"))
    frame = cin_xml.read_cin_census(path, "916")["cin_children"]
    assert frame["la_child_id"].to_list() == ["C1", "C2"]
    assert frame.schema == pl.Schema({c: pl.String for c in frame.columns} | {"_row_number": pl.Int64})
