"""A CIN census in the plain shape DfE's schema describes, read by a vectorised scan of its bytes;
anything else declined (`None`), for `cin_xml`'s lxml reader to read as before.

Why: the lxml reader's walk is Python that holds the GIL, about 1 s per council census (23 MB),
and it was most of a national load. The scan is a few numpy passes over the bytes (which release
the GIL, so two files are scanned at once on two cores): its cost is in compiled code, and it
returns exactly what the lxml reader returns for the same file (`tests/test_cin_scan.py` and the
census fuzzing of `tests/test_fuzz_readers.py` compare the two).

It is not a second XML parser: it accepts only a file it can prove is in the plain shape, where
every value the contract reads is the text of one element with nothing but characters inside,
and declines the rest, however legal. Plain means:
* UTF-8 (declared as such or undeclared, with or without a byte-order mark), valid, without a
  character XML 1.0 forbids, at most PLAIN_LIMIT bytes (larger files are streamed by lxml);
* after the XML declaration: no comment, processing instruction, CDATA section, DOCTYPE, entity or
  character reference, attribute or namespace, and no space inside a tag;
* well-formed: every `<` opens a tag that a `>` closes, every end tag names the element it ends,
  one root, nothing but whitespace outside it;
* the schema's places: the root is `<Message>`, holding only `<Header>` and `<Children>`;
  `<Children>` holds only `<Child>`; a `<Child>` holds only `<ChildIdentifiers>`,
  `<ChildCharacteristics>` (at most one of each) and `<CINdetails>`; a record element
  (`<Child>`, `<CINdetails>`, `<Assessments>`, `<Section47>`, `<ChildProtectionPlans>`) nowhere
  else; one `<LEA>`, at `Message/Header/Source/LEA`, a three-digit code that is the council's;
* no text between two tags longer than MAX_TEXT;
* every element the contract reads a column from is a leaf, at most once in its record (a
  child's two groups together; `Sex` and `GenderCurrent` are one column), with no carriage
  return inside its value; `LAchildID` is in `<ChildIdentifiers>`.
So a plain file is one the lxml reader reads without quarantining anything itself, and where
its rules (the first of two same-named elements wins, `Sex` before `GenderCurrent`, the
identifiers' group before the characteristics') have nothing to choose between.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from scorecard.ingest.read import WHITESPACE
from scorecard.ingest.sources.social_care import (
    CIN_ALTERNATIVES,
    CIN_CHILD_GROUPS,
    CIN_CHILDREN,
    CIN_RECORD_PATHS,
    CIN_RECORDS,
    CIN_REFERRALS,
)

PLAIN_LIMIT = 64 << 20  # bytes; the scan holds ~9x the file (a 23 MB census: 210 MB); above
# this lxml streams the file in bounded memory instead
MAX_NAME = 64  # bytes in a tag name; longer is not a census
MAX_TEXT = 1 << 20  # bytes between two tags; no census value is that long
MAX_DEPTH = 12  # the schema's deepest element is at 7

_DECLARATION = re.compile(
    rb"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1"""
    rb"""([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])(?i:utf-8)\3)?"""
    rb"""([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\5)?[ \t\r\n]*\?>""")
_NAME_BYTES = np.zeros(256, dtype=bool)
for _range in (b"AZ", b"az", b"09"):
    _NAME_BYTES[_range[0]:_range[1] + 1] = True
_NAME_BYTES[[ord("_"), ord("."), ord("-")]] = True
_FIRST_BYTES = _NAME_BYTES.copy()
_FIRST_BYTES[[ord(c) for c in "0123456789.-"]] = False
_FORBIDDEN = np.zeros(256, dtype=bool)  # control bytes XML 1.0 forbids
_FORBIDDEN[:0x20] = True
_FORBIDDEN[[0x09, 0x0A, 0x0D]] = False
_MARKUP = np.frombuffer(b"?!", dtype=np.uint8)
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)

# record element -> (its depth, the element it must be directly inside), from the schema's paths
_RECORD_PARENT = {name: (path.count("/") + 1, path.split("/")[-2])
                  for name, path in CIN_RECORD_PATHS.items()}
_NESTED = {name: CIN_RECORDS[name] for name in ("Assessments", "Section47", "ChildProtectionPlans")}
# a column's other names -> the name it is read under (GenderCurrent -> Sex)
_SAME = {other: name for name, others in CIN_ALTERNATIVES.items() for other in others if other != name}


class _NotPlain(Exception):
    """The file is not in the plain shape: the lxml reader reads it."""


def read_plain(path: Path, council: str | None) -> dict[str, pl.DataFrame] | None:
    """The five CIN tables of a plain census, as `cin_xml.read_cin_census` gives them; None when
    the file is not plain (or when the lxml reader would refuse it: the refusal is its to word)."""
    path = Path(path)
    if path.stat().st_size > PLAIN_LIMIT:
        return None
    try:
        return _Scan(path.read_bytes()).tables(council)
    except _NotPlain:
        return None


def _require(condition, why: str = "") -> None:
    if not bool(condition):
        raise _NotPlain(why)


class _Scan:
    """The tags of a document, found and checked (`_NotPlain` if it is not plain)."""

    def __init__(self, data: bytes):
        start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        declared = _DECLARATION.match(data, start)
        start = declared.end() if declared else start
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotPlain("not UTF-8") from None
        _require(data.find(b"&", start) < 0, "entity or character reference")
        at = data.find(b"\xef")  # U+Fxxx: U+FFFE and U+FFFF are not XML characters
        while at >= 0:
            _require(data[at + 1:at + 3] not in (b"\xbf\xbe", b"\xbf\xbf"), "U+FFFE or U+FFFF")
            at = data.find(b"\xef", at + 1)
        raw = np.frombuffer(data, dtype=np.uint8)
        self.raw = raw
        low = np.flatnonzero(raw < 0x20)  # line feeds, tabs, carriage returns and nothing else
        kind = raw[low]
        _require(not _FORBIDDEN[kind].any(), "control character")
        returns = low[kind == 0x0D]
        _require(len(returns) == 0 or (returns[-1] + 1 < len(raw)
                                       and (raw[returns + 1] == 0x0A).all()), "lone carriage return")
        self.newlines = low[kind == 0x0A]

        opens = np.flatnonzero(raw == ord("<"))
        closes = np.flatnonzero(raw == ord(">"))
        opens = opens[opens >= start]
        _require(len(opens) >= 1 and opens[-1] + 1 < len(raw), "no element")
        _require(not np.isin(raw[opens + 1], _MARKUP).any(), "comment, CDATA, PI or DOCTYPE")
        closes = closes[closes > opens[0]]
        if len(closes) == len(opens):  # no '>' in text: each tag's '>' is the next one
            ends = closes
        else:
            at = np.searchsorted(closes, opens)
            _require(at[-1] < len(closes), "tag not closed")
            ends = closes[at]
            _require(not ((raw[closes - 1] == ord("]")) & (raw[closes - 2] == ord("]"))).any(),
                     "]]> in text")
        _require((opens < ends).all() and (opens[1:] > ends[:-1]).all(), "'<' inside a tag")
        # libxml2 refuses a text node over 10 MB (lxml's huge_tree is off): such a file is lxml's
        _require(len(opens) < 2 or int((opens[1:] - ends[:-1]).max()) <= MAX_TEXT, "a huge text")
        outside = data[start:opens[0]] + data[ends[-1] + 1:]
        _require(not outside.strip(b" \t\r\n"), "text outside the root")

        is_end = raw[opens + 1] == ord("/")
        empty = ~is_end & (raw[ends - 1] == ord("/"))
        name_at = opens + 1 + is_end
        length = ends - name_at - empty
        _require((length >= 1).all() and (length <= MAX_NAME).all(), "tag name length")
        step = np.where(is_end, -1, np.where(empty, 0, 1))
        after = np.cumsum(step)
        _require(not is_end[0] and after[-1] == 0 and (after[:-1] > 0).all(), "not one root")
        depth = np.where(is_end, after + 1, after - step + 1)  # an element's depth, root = 1
        _require(depth.max() <= MAX_DEPTH, "too deep")
        self.opens, self.ends, self.is_end, self.empty, self.depth = opens, ends, is_end, empty, depth

        words = _name_words(raw, name_at, length)
        starts = np.flatnonzero(~is_end)
        self.name_id = np.zeros(len(opens), dtype=np.int64)
        self.name_id[starts], self.names = _intern(raw, name_at[starts], length[starts],
                                                   [w[starts] for w in words])
        # Grouped by depth (a stable sort: document order within a depth), an element's start
        # and end tags are neighbours, and the parent of an element at depth d is the last
        # element at depth d - 1 that starts before it.
        order = np.argsort(depth.astype(np.uint8), kind="stable")
        paired = order[~empty[order]]
        holders, closing = paired[0::2], paired[1::2]
        _require(len(holders) == len(closing) and not is_end[holders].any()
                 and is_end[closing].all() and (depth[holders] == depth[closing]).all()
                 and (length[holders] == length[closing]).all()
                 and all((w[holders] == w[closing]).all() for w in words), "end tag does not match")
        self.name_id[closing] = self.name_id[holders]
        span = len(opens) + 1
        keys = depth[holders] * span + holders
        self.parent = np.full(len(opens), -1, dtype=np.int64)
        inner = starts[depth[starts] > 1]
        self.parent[inner] = holders[np.searchsorted(keys, (depth[inner] - 1) * span + inner) - 1]
        self.starts = starts
        by_name = np.argsort(self.name_id[starts], kind="stable")
        cuts = np.searchsorted(self.name_id[starts][by_name], np.arange(len(self.names) + 1))
        self._named = {name: starts[by_name[cuts[i]:cuts[i + 1]]]
                       for i, name in enumerate(self.names)}

    def named(self, name: str) -> np.ndarray:
        """Start tags (in document order) of elements with this name."""
        return self._named.get(name, self.starts[:0])

    def is_named(self, tags: np.ndarray, *names: str) -> np.ndarray:
        """Which of the tags have one of these names (the root's parent, -1, has none)."""
        wanted = np.array([n in names for n in self.names], dtype=bool)
        return wanted[self.name_id[tags]] & (tags >= 0)

    def lines(self, tags: np.ndarray) -> np.ndarray:
        return (np.searchsorted(self.newlines, self.opens[tags]) + 1).astype(np.int64)

    def texts(self, tags: np.ndarray) -> pl.Series:
        """The stripped text of leaf elements (an empty one: null)."""
        _require((self.empty[tags] | self.is_end[np.minimum(tags + 1, len(self.opens) - 1)]).all(),
                 "a value element holds elements")
        first = np.where(self.empty[tags], 0, self.ends[tags] + 1)
        length = np.where(self.empty[tags], 0, self.opens[np.minimum(tags + 1, len(self.opens) - 1)]
                          - first)
        offsets = np.zeros(len(tags) + 1, dtype=np.int64)
        np.cumsum(length, out=offsets[1:])
        picked = np.repeat(first - offsets[:-1], length) + np.arange(offsets[-1])
        values = pa.LargeStringArray.from_buffers(
            len(tags), pa.py_buffer(offsets), pa.py_buffer(self.raw[picked].tobytes()))
        series = pl.Series(pl.from_arrow(values)).str.strip_chars(WHITESPACE)
        _require(not series.str.contains("\r", literal=True).any(), "carriage return in a value")
        return series.replace("", None)

    def tables(self, council: str | None) -> dict[str, pl.DataFrame]:
        starts, depth, parent = self.starts, self.depth, self.parent
        level = depth[starts]
        root = starts[level == 1]
        _require(self.names[self.name_id[root[0]]] == "Message", "root is not <Message>")
        _require(self.is_named(starts[level == 2], "Header", "Children").all(), "in <Message>")
        in_children = starts[(level == 3) & self.is_named(parent[starts], "Children")]
        _require(self.is_named(in_children, "Child").all(), "in <Children>")
        for name, (where, holder) in _RECORD_PARENT.items():
            found = self.named(name)
            _require((depth[found] == where).all() and self.is_named(parent[found], holder).all(),
                     f"<{name}> out of place")
        children = self.named("Child")
        in_child = starts[self.is_named(parent[starts], "Child")]
        _require(self.is_named(in_child, *CIN_CHILD_GROUPS, "CINdetails").all(), "in <Child>")
        groups = in_child[self.is_named(in_child, *CIN_CHILD_GROUPS)]
        _unique(parent[groups], self.name_id[groups])
        council_code = self._council(council)

        child_rows = self._child_columns(children, starts[np.isin(parent[starts], groups)])
        la_child_id = child_rows.pop("LAchildID")
        tables = {CIN_CHILDREN.table: self._frame(
            children, council_code, CIN_CHILDREN,
            {"la_child_id": la_child_id, **{c.name: child_rows[c.file_header]
                                           for c in CIN_CHILDREN.columns[1:]}})}

        referrals = self.named("CINdetails")
        referral_child = np.searchsorted(children, parent[referrals])
        number = np.arange(len(referrals)) - np.searchsorted(referral_child, referral_child) + 1
        keys = {"la_child_id": la_child_id.gather(referral_child),
                "referral_number": pl.Series(number.astype(str), dtype=pl.String)}
        in_referral = starts[self.is_named(parent[starts], "CINdetails")]
        tables[CIN_REFERRALS.table] = self._frame(referrals, council_code, CIN_REFERRALS, {
            **keys, **self._named_columns(referrals, CIN_REFERRALS, in_referral)})
        for name, contract in _NESTED.items():
            records = self.named(name)
            owner = np.searchsorted(referrals, parent[records])
            inside = starts[self.is_named(parent[starts], name)]
            tables[contract.table] = self._frame(records, council_code, contract, {
                **{k: v.gather(owner) for k, v in keys.items()},
                **self._named_columns(records, contract, inside)})
        lines = {t: f["_row_number"] for t, f in tables.items()}
        if any(s.n_unique() < s.len() for s in lines.values()):
            # no line breaks between rows: numbered by position, as the lxml reader does
            tables = {t: f.with_columns(pl.int_range(1, f.height + 1, dtype=pl.Int64)
                                        .alias("_row_number")) for t, f in tables.items()}
        return tables

    def _council(self, expected: str | None) -> str:
        lea = self.named("LEA")  # Message/Header/Source/LEA; the lxml walk would look further
        _require(len(lea) == 1 and self.depth[lea[0]] == 4
                 and self.is_named(self.parent[lea], "Source").all()
                 and self.is_named(self.parent[self.parent[lea]], "Header").all(), "one <LEA>")
        code = self.texts(lea)[0]
        _require(code is not None and len(code) == 3 and code.isascii() and code.isdigit()
                 and (expected is None or code == expected), "the council's <LEA>")
        return code

    def _child_columns(self, children: np.ndarray, candidates: np.ndarray) -> dict[str, pl.Series]:
        """The children's columns, by file header, from the elements in their groups."""
        headers, same = [c.file_header for c in CIN_CHILDREN.columns], _SAME
        _require(not (self.is_named(candidates, "LAchildID")
                      & self.is_named(self.parent[candidates], "ChildCharacteristics")).any(),
                 "LAchildID in <ChildCharacteristics>")
        wanted = candidates[self.is_named(candidates, *headers, *same)]
        owner = np.searchsorted(children, self.parent[self.parent[wanted]])
        return self._scatter(children, wanted, owner, headers, same)

    def _named_columns(self, records: np.ndarray, contract, candidates: np.ndarray) -> dict[str, pl.Series]:
        headers = [c.file_header for c in contract.columns[2:]]
        wanted = candidates[self.is_named(candidates, *headers)]
        owner = np.searchsorted(records, self.parent[wanted])
        found = self._scatter(records, wanted, owner, headers, {})
        return {c.name: found[c.file_header] for c in contract.columns[2:]}

    def _scatter(self, records, wanted, owner, headers, same) -> dict[str, pl.Series]:
        """Per header, one value per record (null where the record has no such element)."""
        column_of = {h: i for i, h in enumerate(headers)}
        by_name = np.array([column_of.get(same.get(n, n), -1) for n in self.names], dtype=np.int64)
        column = by_name[self.name_id[wanted]]
        _unique(owner, column)
        values = self.texts(wanted)
        out = {}
        for header, index in column_of.items():
            where = np.full(len(records), -1, dtype=np.int64)
            chosen = column == index
            where[owner[chosen]] = np.flatnonzero(chosen)
            out[header] = values.gather(pl.Series(where).replace(-1, None))
        return out

    def _frame(self, records: np.ndarray, council: str, contract, columns: dict) -> pl.DataFrame:
        return pl.DataFrame({
            "_row_number": pl.Series(self.lines(records), dtype=pl.Int64),
            "council_code": pl.Series([council] * len(records), dtype=pl.String),
            **{c.name: pl.Series(c.name, columns[c.name], dtype=pl.String)
               for c in contract.columns},
        })


def _unique(owner: np.ndarray, what: np.ndarray) -> None:
    """No record holds the same column (or group) twice."""
    if len(owner):
        pairs = owner.astype(np.int64) * (int(what.max()) + 1) + what
        _require(pl.Series(pairs).n_unique() == len(pairs), "an element twice in one record")


def _name_words(raw: np.ndarray, at: np.ndarray, length: np.ndarray) -> list[np.ndarray]:
    """Each tag's name (the `length` bytes from `at`) as eight-byte words, zero-padded."""
    padded = np.concatenate([raw, np.zeros(8, dtype=np.uint8)])
    words = np.ndarray(shape=(len(raw),), dtype="<u8", buffer=padded, strides=(1,))  # bytes i..i+7
    return [words[np.minimum(at + offset, len(raw) - 1)] & _MASKS[np.clip(length - offset, 0, 8)]
            for offset in range(0, int(length.max()), 8)]


def _intern(raw: np.ndarray, at: np.ndarray, length: np.ndarray,
            words: list[np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Each name as a small integer, and the names by integer; `_NotPlain` if a name is not a
    plain XML name. The names are hashed to find the distinct ones; every tag's words are then
    compared with its name's, so two different names never share an integer, and only the
    distinct names (a few dozen) need their characters checked."""
    hashed = length.astype(np.uint64)
    for word in words:
        hashed = hashed * np.uint64(1099511628211) ^ word
    distinct = np.sort(pl.Series(hashed, dtype=pl.UInt64).unique().to_numpy())
    ids = np.searchsorted(distinct, hashed)
    first = np.empty(len(distinct), dtype=np.int64)
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)  # the first tag of each name
    _require((length == length[first][ids]).all()
             and all((word == word[first][ids]).all() for word in words), "two names, one hash")
    names = []
    for tag in first:
        name = bytes(raw[at[tag]:at[tag] + length[tag]])
        _require(_FIRST_BYTES[name[0]] and all(_NAME_BYTES[b] for b in name),
                 "space, attribute or namespace in a tag")
        names.append(name.decode("ascii"))
    return ids.astype(np.int64), names


__all__ = ["PLAIN_LIMIT", "read_plain"]
