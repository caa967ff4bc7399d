"""Read a CIN census XML return (DfE schema) into the five CIN raw tables, safely and in one pass.

The file is streamed with lxml's `iterparse`, one `<Child>` at a time, and each child (with the
siblings before it) is cleared once its rows are taken, so a large census is never held in memory
whole. The parser never loads a DTD, resolves an entity or touches the network, and a file that
declares a DOCTYPE (the carrier of XXE and "billion laughs" payloads) is refused before it is
parsed at all.

Every value is returned as stripped text (an empty or missing element is null); element-level
defects (a date that is not a date, a missing referral date) are left for the row-level contract
checks, which quarantine them with file, row (the element's line) and column. Only problems that
make the whole file unusable raise `ContractError`: malformed XML, a DOCTYPE, no `<LEA>`, or an
`<LEA>` that is not the council the extract folder's `extract.json` names.
"""

from __future__ import annotations

import codecs
import functools
from pathlib import Path

import polars as pl
from lxml import etree

from scorecard.errors import ContractError
from scorecard.sources.contract import Contract
from scorecard.sources.social_care import (
    CIN_ASSESSMENTS,
    CIN_CENSUS,
    CIN_CHILDREN,
    CIN_CP_PLANS,
    CIN_REFERRALS,
    CIN_SECTION47,
)

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
# Child-level columns live in these groups of <Child>; `sex` may be sent under either name.
_CHILD_GROUPS = ("ChildIdentifiers", "ChildCharacteristics")
_ALTERNATIVES = {"Sex": ("Sex", "GenderCurrent")}


def read_cin_census(path: Path, expected_council: str | None) -> dict[str, pl.DataFrame]:
    """One all-text frame per CIN table (keys: contract.table), read from the file once per change.

    Columns: `_row_number` (the line of the element each row comes from), `council_code` (the
    file's `<LEA>`), then the contract's columns in order.
    """
    path = Path(path)
    stat = path.stat()
    return _read_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, stat.st_ino,
                        expected_council)


def clear_cache() -> None:
    _read_cached.cache_clear()


@functools.lru_cache(maxsize=4)
def _read_cached(resolved: str, mtime_ns: int, size: int, inode: int,
                 expected_council: str | None) -> dict[str, pl.DataFrame]:
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
    for name in _ALTERNATIVES.get(header, (header,)):
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
             referral_number: int | None) -> None:
    rows["_row_number"].append(line)
    for column in contract.columns:
        if column.name == "la_child_id":
            value = la_child_id
        elif column.name == "referral_number":
            value = str(referral_number)
        else:
            value = _value(parents, column.file_header)
        rows[column.name].append(value)


def _take_child(child: etree._Element, rows: dict[str, dict[str, list]]) -> None:
    elements = _by_name(child)
    groups = [_texts(_by_name(elements[g][0])) if g in elements else {} for g in _CHILD_GROUPS]
    la_child_id = _value(groups[:1], "LAchildID")
    _add_row(rows[CIN_CHILDREN.table], CIN_CHILDREN, child.sourceline, groups, la_child_id, None)
    for number, referral in enumerate(elements.get("CINdetails", []), start=1):
        inside = _by_name(referral)
        _add_row(rows[CIN_REFERRALS.table], CIN_REFERRALS, referral.sourceline, [_texts(inside)],
                 la_child_id, number)
        for contract in (CIN_ASSESSMENTS, CIN_SECTION47, CIN_CP_PLANS):
            for element in inside.get(_ELEMENT[contract.table], ()):
                _add_row(rows[contract.table], contract, element.sourceline,
                         [_texts(_by_name(element))],
                         la_child_id, number)


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


def _read(path: Path, expected_council: str | None) -> dict[str, pl.DataFrame]:
    _refuse_doctype(path)
    rows = _new_rows()
    lea: etree._Element | None = None
    council: str | None = None
    checked = False
    context = etree.iterparse(
        str(path), events=("start", "end"), tag=("{*}Message", "{*}LEA", "{*}Child"),
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, attribute_defaults=False, remove_comments=True, remove_pis=True,
    )
    try:
        for event, element in context:
            if not checked:
                _check_docinfo(path, context.root if context.root is not None else element)
                checked = True
            if event != "end":
                continue
            name = _local(element)
            if name == "LEA":
                parent = element.getparent()
                if lea is None and parent is not None and _local(parent) == "Source":
                    lea = element
                    council = _check_lea(path, lea, expected_council)
            elif name == "Child":
                _take_child(element, rows)
                element.clear(keep_tail=False)
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line, message = _syntax_error(path, exc)
        raise ContractError(path, line, None, f"not well-formed XML: {message}") from None
    finally:
        del context
    if council is None:
        council = _check_lea(path, lea, expected_council)
    return {table: _frame(columns, council) for table, columns in rows.items()}


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


__all__ = ["DTD_REFUSED", "clear_cache", "read_cin_census"]
