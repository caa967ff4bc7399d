"""Read a CIN census XML return (DfE schema) into the five CIN raw tables, safely and in one pass.

A census in the plain shape of the schema is read by `cin_scan`, a vectorised scan of its bytes
that gives exactly the frames this module's lxml walk gives, in a fraction of the time; any other
census (and any the scan cannot prove plain) is read by the walk described here.

The file is streamed with lxml's `iterparse`, one `<Child>` at a time, and each child (with the
siblings before it) is cleared once its rows are taken; every element outside the children (the
header, elements the schema does not have) is cleared as soon as it ends, so a large census, or
one padded with elements nobody reads, is never held in memory whole. The parser never loads a
DTD, resolves an entity or touches the network, and a file that declares a DOCTYPE (the carrier
of XXE and "billion laughs" payloads) is refused before it is parsed at all.

Every value is returned as stripped text (an empty or missing element is null); element-level
defects (a date that is not a date, a missing referral date) are left for the row-level contract
checks, which quarantine them with file, row (the element's line) and column. A record element
(`<Child>`, `<CINdetails>`, `<Assessments>`, `<Section47>`, `<ChildProtectionPlans>`) found out of
its schema place, and an unknown element where records live, is a row the reader quarantines
itself: every record element in the file is counted, and loaded or quarantined. Only problems that
make the whole file unusable raise `ContractError`: malformed XML, a DOCTYPE, no `<LEA>`, an
`<LEA>` that is not the council the extract folder's `extract.json` names.

A row's number is the line its element starts on. In a census written without line breaks, where
two elements of one table start on one line, lines cannot tell rows apart, so every row of that
file is numbered by its position among its table's elements in the file instead (the third
`<CINdetails>` is row 3).
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from lxml import etree

from scorecard.errors import ContractError
from scorecard.ingest import cin_scan
from scorecard.ingest.sources.contract import Contract
from scorecard.ingest.sources.social_care import (
    CIN_ALTERNATIVES,
    CIN_ASSESSMENTS,
    CIN_CENSUS,
    CIN_CHILD_GROUPS,
    CIN_CHILDREN,
    CIN_CP_PLANS,
    CIN_RECORD_PATHS,
    CIN_RECORDS,
    CIN_REFERRALS,
    CIN_SECTION47,
)
from scorecard.ingest.read import one_line
from scorecard.ingest.validate import QUARANTINE_SCHEMA

# A census in the plain shape of DfE's schema is read by a scan of its bytes (`cin_scan`), which
# gives the same frames in a fraction of the time; any other is read by the lxml walk below.
SCAN_FIRST = True
DTD_REFUSED = "XML declares a DOCTYPE or entities: refused"
PROLOG_LIMIT = 1 << 20  # a prolog (declaration, comments) longer than 1 MiB is not a census

# Where each table's rows come from inside a <Child>: None = the child itself, "CINdetails" = each
# referral, otherwise the named element inside each referral.
_ELEMENT = {
    CIN_CHILDREN.table: None,
    CIN_REFERRALS.table: "CINdetails",
    CIN_ASSESSMENTS.table: "Assessments",
    CIN_SECTION47.table: "Section47",
    CIN_CP_PLANS.table: "ChildProtectionPlans",
}
# The record elements (CIN_RECORDS) are rows of their tables wherever they are: one found where the
# schema does not put it (CIN_RECORD_PATHS) is read as a quarantined row of its table, so that
# every record element in the file is counted and either loaded or quarantined (docs/contracts.md).
_RECORD_TAGS = tuple("{*}" + name for name in CIN_RECORDS)
_CHILD_PARTS = frozenset({*CIN_CHILD_GROUPS, "CINdetails"})  # what the schema puts in a <Child>
_PARTS = {"Message": frozenset({"Header", "Children"}), "Children": frozenset({"Child"})}


@dataclass(frozen=True)
class CinTables:
    frames: dict[str, pl.DataFrame]  # one all-text frame per table
    problems: dict[str, pl.DataFrame]  # per table, rows the reader quarantines (QUARANTINE_SCHEMA)
    reader: str = "lxml"  # "scan": a plain census, read by `cin_scan` (no problems of its own)


def read_cin_census(path: Path, expected_council: str | None) -> dict[str, pl.DataFrame]:
    """One all-text frame per CIN table (keys: contract.table), read from the file once per change.

    Columns: `_row_number` (the line of the element each row comes from), `council_code` (the
    file's `<LEA>`), then the contract's columns in order. Rows of elements found out of their
    schema place are included; `read_cin_census_checked` also says which and why.
    """
    return read_cin_census_checked(path, expected_council).frames


def read_cin_census_checked(path: Path, expected_council: str | None) -> CinTables:
    """The frames of `read_cin_census` and, per table, the rows the reader quarantines."""
    path = Path(path)
    stat = path.stat()
    return _read_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, stat.st_ino,
                        expected_council)


def clear_cache() -> None:
    _read_cached.cache_clear()


@functools.lru_cache(maxsize=4)
def _read_cached(resolved: str, mtime_ns: int, size: int, inode: int,
                 expected_council: str | None) -> CinTables:
    return _read(Path(resolved), expected_council)


# ---------------------------------------------------------------------------------------------
# Refusing a DOCTYPE before the parser sees it

_UTF16_32 = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"),
)


def _prolog_text(path: Path) -> str:
    """The start of the file as text, enough to hold the prolog (up to PROLOG_LIMIT bytes)."""
    with path.open("rb") as handle:
        data = handle.read(PROLOG_LIMIT)
    encoding = "latin-1"  # every ASCII-compatible encoding reads the prolog's markup the same
    for mark, name in _UTF16_32:
        if data.startswith(mark):
            encoding = name
            break
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data.decode(encoding, errors="replace").lstrip("\ufeff")


def _refuse_doctype(path: Path) -> None:
    """Walk the prolog (declaration, comments, processing instructions) up to the root element;
    any `<!DOCTYPE` or other markup declaration there is refused with its line."""
    text = _prolog_text(path)
    if not text.strip() and path.stat().st_size <= PROLOG_LIMIT:
        raise ContractError(path, None, None, "file is empty")
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if text.startswith("<?", at):
            terminator = "?>"
        elif text.startswith("<!--", at):
            terminator = "-->"
        elif text.startswith("<!", at):
            raise ContractError(path, text.count("\n", 0, at) + 1, None, DTD_REFUSED)
        else:
            return  # the root element, or something the parser rejects with its line
        end = text.find(terminator, at + 2)
        if end < 0:
            if len(text) >= PROLOG_LIMIT // 4:  # cut off by the read limit, not by the file
                raise ContractError(path, text.count("\n", 0, at) + 1, None,
                                    "XML prolog longer than 1 MiB: refused")
            return  # unterminated: a syntax error the parser reports with its line
        at = end + len(terminator)


def _check_docinfo(path: Path, root: etree._Element) -> None:
    """Second line of defence, after the first parse event: no DOCTYPE, no internal subset."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ContractError(path, 1, None, DTD_REFUSED)


# ---------------------------------------------------------------------------------------------
# The streaming pass


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _by_name(element: etree._Element) -> dict[str, list[etree._Element]]:
    """The child elements by local name, in document order."""
    found: dict[str, list[etree._Element]] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            found.setdefault(tag.rsplit("}", 1)[-1], []).append(child)
    return found


def _texts(elements: dict[str, list[etree._Element]]) -> dict[str, str | None]:
    """The text of each child element (`_by_name`) by local name, the first of each name
    winning: one walk of an element serves all its ~20 columns."""
    return {name: _text(found[0]) for name, found in elements.items()}


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _value(parents: list[dict[str, str | None]], header: str) -> str | None:
    for name in CIN_ALTERNATIVES.get(header, (header,)):
        for parent in parents:
            if name in parent:
                return parent[name]
    return None


def _new_rows() -> dict[str, dict[str, list]]:
    return {
        c.table: {name: [] for name in ("_row_number", *c.column_names)} for c in CIN_CENSUS
    }


def _add_row(rows: dict[str, list], contract: Contract, line: int,
             parents: list[dict[str, str | None]], la_child_id: str | None,
             referral_number: int | None) -> int:
    """Append a row; return its index in the table (problems refer to rows by it)."""
    rows["_row_number"].append(line)
    for column in contract.columns:
        if column.name == "la_child_id":
            value = la_child_id
        elif column.name == "referral_number":
            value = None if referral_number is None else str(referral_number)
        else:
            value = _value(parents, column.file_header)
        rows[column.name].append(value)
    return len(rows["_row_number"]) - 1


def _line(element: etree._Element) -> int:
    """The line the element starts on. libxml2 keeps a node's line in 16 bits: from line 65,535
    on it answers with the line of the element's first text node, which it records where that
    text ends (a `<Child>` followed by a line break and indentation: one line too far), or, with
    no text first, of its first child element (whose start tag is then on the same line)."""
    line = element.sourceline
    if line is None or line < 65535:
        return line
    if element.text:
        return line - element.text.count("\n")
    first = next(iter(element), None)
    if first is not None:
        return _line(first)
    return line - (element.tail or "").count("\n")  # empty: the next sibling's text decides


def _path(element: etree._Element) -> str:
    """Where an element is, by local names from the root (no values): `Message/Children/Child`."""
    names = [_local(element)] + [_local(a) for a in element.iterancestors()]
    return "/".join(reversed(names))


def _misplaced(element: etree._Element, rows: dict[str, dict[str, list]],
               problems: dict[str, list], la_child_id: str | None) -> None:
    """A record element out of its schema place: one row in its table, quarantined with its line
    and where it was found (element names only), its values read as sent for the record."""
    name = _local(element)
    contract = CIN_RECORDS[name]
    if contract is CIN_CHILDREN:
        parents = [_texts(_by_name(g)) for g in _groups(element)]
        la_child_id = _value(parents[:1], "LAchildID")
    else:
        parents = [_texts(_by_name(element))]
    index = _add_row(rows[contract.table], contract, _line(element), parents, la_child_id,
                     None)
    problems[contract.table].append(
        (index, name, _path(element),
         f"element out of place (the CIN census schema has it at {CIN_RECORD_PATHS[name]}): not read"))


def _groups(child: etree._Element) -> list[etree._Element]:
    elements = _by_name(child)
    return [elements[g][0] for g in CIN_CHILD_GROUPS if g in elements]


_NESTED = (CIN_ASSESSMENTS, CIN_SECTION47, CIN_CP_PLANS)


def _take_child(child: etree._Element, rows: dict[str, dict[str, list]],
                problems: dict[str, list], placed: bool) -> None:
    """The rows of one <Child>: the child, its referrals (<CINdetails> directly inside it) and
    their assessments, S47s and plans (directly inside a referral). Any record element found
    elsewhere inside the child is a quarantined row of its table (`_misplaced`), and so is the
    child itself when it is out of place or holds an element the schema does not put there.
    Rows are added in document order within each table."""
    if not placed:
        for element in child.iter(*_RECORD_TAGS):  # the child itself first
            _misplaced(element, rows, problems, None)
        return
    elements = _by_name(child)
    groups = [_texts(_by_name(elements[g][0])) if g in elements else {} for g in CIN_CHILD_GROUPS]
    la_child_id = _value(groups[:1], "LAchildID")
    index = _add_row(rows[CIN_CHILDREN.table], CIN_CHILDREN, _line(child), groups,
                     la_child_id, None)
    unknown = next((e for name, found in elements.items() if name not in _CHILD_PARTS
                    for e in found if not _holds_records(e)), None)
    if unknown is not None:
        problems[CIN_CHILDREN.table].append(
            (index, _local(unknown), _path(unknown),
             f"<Child> holds <{_local(unknown)}> (line {_line(unknown)}), which the CIN census "
             "schema does not put there: what it holds is not read"))
    referrals = [(referral, _by_name(referral)) for referral in elements.get("CINdetails", [])]
    taken = 1 + sum(1 + sum(len(inside.get(_ELEMENT[c.table], ())) for c in _NESTED)
                    for _, inside in referrals)
    if sum(1 for _ in child.iter(*_RECORD_TAGS)) == taken:  # all in place: the usual case
        for number, (referral, inside) in enumerate(referrals, start=1):
            _add_row(rows[CIN_REFERRALS.table], CIN_REFERRALS, _line(referral),
                     [_texts(inside)], la_child_id, number)
            for contract in _NESTED:
                for element in inside.get(_ELEMENT[contract.table], ()):
                    _add_row(rows[contract.table], contract, _line(element),
                             [_texts(_by_name(element))], la_child_id, number)
        return
    numbers = {id(referral): number for number, (referral, _) in enumerate(referrals, start=1)}
    texts = {id(referral): inside for referral, inside in referrals}
    for element in child.iter(*_RECORD_TAGS):  # document order, in place or not
        if element is child:
            continue
        name, parent = _local(element), element.getparent()
        if name == "CINdetails" and parent is child:
            _add_row(rows[CIN_REFERRALS.table], CIN_REFERRALS, _line(element),
                     [_texts(texts[id(element)])], la_child_id, numbers[id(element)])
        elif (name in ("Assessments", "Section47", "ChildProtectionPlans")
              and _local(parent) == "CINdetails" and parent.getparent() is child):
            _add_row(rows[CIN_RECORDS[name].table], CIN_RECORDS[name], _line(element),
                     [_texts(_by_name(element))], la_child_id, numbers[id(parent)])
        else:
            _misplaced(element, rows, problems, la_child_id)


def _holds_records(element: etree._Element) -> bool:
    """Whether a record element is inside (those are quarantined themselves)."""
    return next(element.iter(*_RECORD_TAGS), None) is not None


def _take_stray(element: etree._Element, rows: dict[str, dict[str, list]],
                problems: dict[str, list]) -> None:
    """A referral, assessment, S47 or plan outside any <Child>: it and every record element
    inside it are quarantined (no child to belong to)."""
    for found in element.iter(*_RECORD_TAGS):
        _misplaced(found, rows, problems, None)


def _check_lea(path: Path, lea: etree._Element | None, expected: str | None) -> str:
    code = _text(lea)
    if code is None:
        line = lea.sourceline if lea is not None else None
        raise ContractError(path, line, "LEA",
                            "no <LEA> in Header/Source: the file does not say which council it is for")
    if not (len(code) == 3 and code.isdigit()):
        raise ContractError(path, lea.sourceline, "LEA", f"{code!r} is not a three-digit LA code")
    if expected is not None and code != expected:
        raise ContractError(path, lea.sourceline, "LEA",
                            f"file is for council {code}, extract.json says {expected}")
    return code


def _placed_child(element: etree._Element) -> bool:
    """A <Child> where the schema puts it: Message/Children/Child."""
    parent = element.getparent()
    if parent is None or _local(parent) != "Children":
        return False
    root = parent.getparent()
    return root is not None and _local(root) == "Message" and root.getparent() is None


def _unknown_container(element: etree._Element) -> str | None:
    """An element the schema does not have directly inside <Message> or its <Children>, holding
    elements of its own (so it could hold records): why it is quarantined. (One that held record
    elements is not: those are quarantined themselves.)"""
    parent = element.getparent()
    if parent is None or not len(element):
        return None
    within = _local(parent)
    if within == "Children":
        grand = parent.getparent()
        if grand is None or _local(grand) != "Message" or grand.getparent() is not None:
            return None
    elif within != "Message" or parent.getparent() is not None:
        return None
    if _local(element) in _PARTS[within]:
        return None
    return (f"<{within}> holds <{_local(element)}>, which the CIN census schema does not put "
            "there: what it holds is not read")


def _drop(element: etree._Element) -> None:
    """Free an element that has been read, and the siblings before it, so that neither children
    nor anything else in the file (a long header, elements the schema does not have) piles up."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _read(path: Path, expected_council: str | None) -> CinTables:
    _refuse_doctype(path)
    if SCAN_FIRST:
        plain = cin_scan.read_plain(path, expected_council)
        if plain is not None:
            return CinTables(plain, {c.table: pl.DataFrame(schema=QUARANTINE_SCHEMA)
                                     for c in CIN_CENSUS}, reader="scan")
    rows = _new_rows()
    problems: dict[str, list] = {c.table: [] for c in CIN_CENSUS}
    lea: etree._Element | None = None
    council: str | None = None
    checked = False
    holder: etree._Element | None = None  # the <Child> (or stray record element) being read
    holding: set[tuple[int, str]] = set()  # elements (line, tag) that held out-of-place records
    context = etree.iterparse(
        str(path), events=("start", "end"),
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, attribute_defaults=False, remove_comments=True, remove_pis=True,
    )
    try:
        for event, element in context:
            if holder is not None:  # inside a record: read whole when it ends
                if element is holder and event == "end":
                    placed = _local(holder) == "Child" and _placed_child(holder)
                    if placed:
                        _take_child(holder, rows, problems, True)
                    else:
                        holding.update((a.sourceline, a.tag) for a in holder.iterancestors())
                        if _local(holder) == "Child":
                            _take_child(holder, rows, problems, False)
                        else:
                            _take_stray(holder, rows, problems)
                    _drop(holder)
                    holder = None
                continue
            if not checked:
                _check_docinfo(path, context.root if context.root is not None else element)
                checked = True
            if not isinstance(element.tag, str):
                continue
            name = _local(element)
            if event == "start":
                if name in CIN_RECORDS:
                    holder = element
                continue
            if name == "LEA":
                parent = element.getparent()
                if lea is None and parent is not None and _local(parent) == "Source":
                    lea = element
                    council = _check_lea(path, lea, expected_council)
            else:
                reason = _unknown_container(element)
                if reason is not None and (element.sourceline, element.tag) not in holding:
                    index = _add_row(rows[CIN_CHILDREN.table], CIN_CHILDREN, _line(element),
                                     [], None, None)
                    problems[CIN_CHILDREN.table].append((index, name, _path(element), reason))
            _drop(element)
    except etree.XMLSyntaxError as exc:
        line, message = _syntax_error(path, exc)
        raise ContractError(path, line, None, f"not well-formed XML: {one_line(message)}") from None
    finally:
        del context
    if council is None:
        council = _check_lea(path, lea, expected_council)
    if any(len(set(c["_row_number"])) < len(c["_row_number"]) for c in rows.values()):
        # a census written without line breaks: lines cannot tell its rows apart
        for columns in rows.values():
            columns["_row_number"] = list(range(1, len(columns["_row_number"]) + 1))
    return CinTables(
        {table: _frame(columns, council) for table, columns in rows.items()},
        {table: pl.DataFrame([(rows[table]["_row_number"][index], *rest)
                              for index, *rest in found], schema=QUARANTINE_SCHEMA, orient="row")
         for table, found in problems.items()},
    )


def _syntax_error(path: Path, exc: etree.XMLSyntaxError) -> tuple[int | None, str]:
    """The line and message of the parser's error. With entities unresolved, lxml may raise a
    generic "no element found (line 0)"; the real error is then in the exception's error log."""
    logged = [e for e in exc.error_log
              if e.level >= etree.ErrorLevels.ERROR and e.filename == str(path) and e.line > 0]
    if logged:
        return logged[-1].line, logged[-1].message.strip()
    message = (exc.msg or str(exc) or "unreadable").splitlines()[0]
    return (exc.lineno or None), message


def _frame(columns: dict[str, list], council: str) -> pl.DataFrame:
    height = len(columns["_row_number"])
    frame = pl.DataFrame(
        columns, schema={n: pl.Int64 if n == "_row_number" else pl.String for n in columns},
    )
    return frame.select(
        "_row_number",
        pl.Series("council_code", [council] * height, dtype=pl.String),
        pl.exclude("_row_number"),
    )


__all__ = ["DTD_REFUSED", "CinTables", "clear_cache", "read_cin_census", "read_cin_census_checked"]
