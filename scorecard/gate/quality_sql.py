"""The publication gate run in DuckDB: each suite compiled to one query over its table.

The suites in `expectations/` stay Great Expectations suites (the contract, and what the
data-quality report shows); this module runs them without GX. Every expectation type the suites
use is compiled to aggregates with a FILTER over one scan of the table (uniqueness adds a window
count), so a table costs one query however many expectations its suite has, and nothing is copied
out of DuckDB. The results are the `CheckResult`s GX's pandas path gives (`scorecard.gate.quality`):
the same success, unexpected counts, element counts and first unexpected values, in suite order.
tests/test_gate_engines_agree.py runs both paths on good and broken warehouses and compares them.

What GX's pandas path does, and so what the SQL has to do (GX 1.24.1, pandas 3):
- "null" is pandas' isnull: SQL NULL, and NaN in a FLOAT/DOUBLE column;
- a column map expectation (regex, set, range, unique) ignores null values; it passes vacuously
  when its rows (after the row condition) or their non-null values are none, and otherwise when
  the share of expected values reaches `mostly` (default 1);
- a row condition is a pandas query: `==`, `IN` and `<`... are false on a null, `!=` and `NOT_IN`
  true; a value of another kind than the column's (text against a number) never equals it, and
  ordering text against a number raises;
- a regex is Python's `re.search` on the value as pandas writes it as text (`astype(str)`: an
  integer column holding a null is a float column, 916 reads "916.0"); `\\d`, `\\w`, `\\s` are
  Unicode classes and `$` also matches before a final newline, so a pattern is translated to RE2
  (DuckDB's engine) with the same meaning, and one the translation cannot express (lookaround,
  backreferences, `\\b`) is refused when the suite loads;
- a range on text against numeric bounds raises (GX says "must either be None or of the same type").
A check that raises in GX is a broken check here too (`raised`, blocking): never a silent pass.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from scorecard.ingest.sources import IDENTIFIER_COLUMNS
from scorecard.ingest.sources.identifiers import names_identifier

if TYPE_CHECKING:
    import duckdb

    from scorecard.gate.quality import CheckResult, Suite, SuiteExpectation

SHOWN_VALUES = 3
# Arguments GX accepts on any expectation and the gate does not use.
IGNORED_ARGUMENTS = frozenset({"result_format", "catch_exceptions", "batch_id", "condition_parser"})
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "IN", "NOT_IN")
NUMERIC_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                           "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"})
FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE"})


class Unsupported(ValueError):
    """An expectation (or one of its arguments) the DuckDB gate cannot run as GX would."""


class Broken(Exception):
    """A check that cannot run on this table (GX would raise): a missing column, types that do
    not compare. Reported as a failed, blocking check, as GX's own exceptions are."""


# --- the expectation types, their arguments -----------------------------------------------------

@dataclass(frozen=True)
class Signature:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()  # at least one of these must be given (and not null)


ROW = ("row_condition", "mostly")
SIGNATURES: dict[str, Signature] = {
    "expect_column_values_to_not_be_null": Signature(("column",), ROW),
    "expect_column_values_to_be_null": Signature(("column",), ROW),
    "expect_column_values_to_match_regex": Signature(("column", "regex"), ROW),
    "expect_column_values_to_be_in_set": Signature(("column", "value_set"), ROW),
    "expect_column_values_to_be_between": Signature(
        ("column",), (*ROW, "min_value", "max_value", "strict_min", "strict_max"),
        one_of=("min_value", "max_value")),
    "expect_column_values_to_be_unique": Signature(("column",), ROW),
    "expect_compound_columns_to_be_unique": Signature(("column_list",), (*ROW, "ignore_row_if")),
    "expect_column_pair_values_a_to_be_greater_than_b": Signature(
        ("column_A", "column_B"), (*ROW, "or_equal", "ignore_row_if")),
    "expect_column_pair_values_to_be_in_set": Signature(
        ("column_A", "column_B", "value_pairs_set"), (*ROW, "ignore_row_if")),
    "expect_table_columns_to_match_set": Signature(("column_set",), ("exact_match",)),
    "expect_table_row_count_to_be_between": Signature(
        (), ("min_value", "max_value", "strict_min", "strict_max")),
}
IGNORE_ROW_IF = {
    "expect_compound_columns_to_be_unique": (
        "all_values_are_missing", ("all_values_are_missing", "any_value_is_missing", "never")),
    "expect_column_pair_values_a_to_be_greater_than_b": (
        "both_values_are_missing", ("both_values_are_missing", "either_value_is_missing", "neither")),
    "expect_column_pair_values_to_be_in_set": (
        "both_values_are_missing", ("both_values_are_missing", "either_value_is_missing", "neither")),
}


def check_expectation(type_: str, kwargs: dict[str, Any]) -> None:
    """Raise Unsupported, saying why, unless the gate can compile this expectation. Called for
    every expectation when the suites load, so an expectation the gate cannot run stops the run
    before anything is built, never passes unchecked."""
    signature = SIGNATURES.get(type_)
    if signature is None:
        raise Unsupported(f"{type_} not found among the expectation types the gate runs in DuckDB "
                          f"({', '.join(sorted(SIGNATURES))}); add it to scorecard/gate/quality_sql.py "
                          "or set SCORECARD_GATE_ENGINE=gx")
    if not isinstance(kwargs, dict):
        raise Unsupported(f"kwargs must be an object, not {kwargs!r}")
    given = {k for k in kwargs if k not in IGNORED_ARGUMENTS}
    unknown = given - set(signature.required) - set(signature.optional)
    if unknown:
        raise Unsupported(f"unknown arguments {sorted(unknown)} for {type_}")
    missing = [k for k in signature.required if kwargs.get(k) is None]
    if missing:
        raise Unsupported(f"missing required argument(s) {missing} for {type_}")
    if signature.one_of and all(kwargs.get(k) is None for k in signature.one_of):
        raise Unsupported(f"{type_} needs {' or '.join(signature.one_of)}")
    for key in ("column", "column_A", "column_B"):
        if key in kwargs and not isinstance(kwargs[key], str):
            raise Unsupported(f"{key} must be a column name, not {kwargs[key]!r}")
    for key in ("column_list", "column_set"):
        if key in kwargs and not (isinstance(kwargs[key], list) and kwargs[key]
                                  and all(isinstance(c, str) for c in kwargs[key])):
            raise Unsupported(f"{key} must be a non-empty list of column names, not {kwargs[key]!r}")
    if "value_set" in kwargs:
        if not isinstance(kwargs["value_set"], list):
            raise Unsupported(f"value_set must be a list, not {kwargs['value_set']!r}")
        for value in kwargs["value_set"]:
            _literal(value)
    if "value_pairs_set" in kwargs:
        pairs = kwargs["value_pairs_set"]
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise Unsupported(f"value_pairs_set must be a list of [a, b] pairs, not {pairs!r}")
        for pair in pairs:
            for value in pair:
                _literal(value)
    for key in ("min_value", "max_value"):
        value = kwargs.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
            raise Unsupported(f"{key} must be a number or text, not {value!r}")
        if isinstance(value, float):
            _literal(value)
    if (isinstance(kwargs.get("min_value"), (int, float)) and isinstance(kwargs.get("max_value"), (int, float))
            and kwargs["min_value"] > kwargs["max_value"]):
        raise Unsupported("min_value cannot be greater than max_value")
    for key in ("strict_min", "strict_max", "or_equal", "exact_match"):
        if kwargs.get(key) is not None and not isinstance(kwargs[key], bool):
            raise Unsupported(f"{key} must be true or false, not {kwargs[key]!r}")
    mostly = kwargs.get("mostly")
    if mostly is not None and (isinstance(mostly, bool) or not isinstance(mostly, (int, float))
                               or not 0 <= mostly <= 1):
        raise Unsupported(f"mostly must be a number from 0 to 1, not {mostly!r}")
    if "ignore_row_if" in kwargs:
        allowed = IGNORE_ROW_IF[type_][1]
        if kwargs["ignore_row_if"] not in allowed:
            raise Unsupported(f"ignore_row_if must be one of {allowed}, not {kwargs['ignore_row_if']!r}")
    if "regex" in kwargs:
        translate_regex(kwargs["regex"])
    if kwargs.get("row_condition") is not None:
        _check_condition(kwargs["row_condition"])


def _check_condition(condition: Any) -> None:
    if isinstance(condition, str):
        raise Unsupported("a row_condition written as a pandas query cannot run in DuckDB; "
                          "write it in GX's structured form ({'type': 'comparison', ...})")
    if not isinstance(condition, dict):
        raise Unsupported(f"row_condition must be an object, not {condition!r}")
    kind = condition.get("type")
    if kind in ("and", "or"):
        parts = condition.get("conditions")
        if not isinstance(parts, list) or not parts:
            raise Unsupported(f"an {kind!r} row_condition needs a non-empty list of conditions")
        for part in parts:
            _check_condition(part)
        return
    column = condition.get("column")
    if not (isinstance(column, dict) and isinstance(column.get("name"), str)):
        raise Unsupported(f"row_condition column must be {{'name': ...}}, not {column!r}")
    if kind == "nullity":
        if not isinstance(condition.get("is_null"), bool):
            raise Unsupported("a nullity row_condition needs is_null true or false")
        return
    if kind != "comparison":
        raise Unsupported(f"row_condition type must be comparison, nullity, and or or, not {kind!r}")
    operator, parameter = condition.get("operator"), condition.get("parameter")
    if operator not in OPERATORS:
        raise Unsupported(f"row_condition operator must be one of {OPERATORS}, not {operator!r}")
    if operator in ("IN", "NOT_IN"):
        if not isinstance(parameter, list):
            raise Unsupported(f"{operator} needs a list parameter, not {parameter!r}")
        for value in parameter:
            _literal(value)
    else:
        _literal(parameter)


# --- Python regexes as RE2 ------------------------------------------------------------------------

# Python's Unicode classes spelt for RE2 as the code point ranges Python's own Unicode tables give
# (RE2's \p{Nd} and \p{L} follow another Unicode version): \s is str.isspace, \d str.isdecimal,
# \w str.isalnum or "_".
_TESTS = {"s": str.isspace, "d": str.isdecimal, "w": lambda c: c.isalnum() or c == "_"}


# str.isspace written out: the suites use \s everywhere and this skips a scan of every code point
# (tests/test_quality.py checks it against Python on all of them).
_SPACE = r"\t\n\x{0b}\x{0c}\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"


@functools.cache
def _python_class(letter: str) -> str:
    if letter == "s":
        return _SPACE
    test, ranges, start = _TESTS[letter], [], None
    for point in range(0x110001):
        inside = point <= 0x10FFFF and test(chr(point))
        if inside and start is None:
            start = point
        elif not inside and start is not None:
            ranges.append(f"\\x{{{start:x}}}" + (f"-\\x{{{point - 1:x}}}" if point - 1 > start else ""))
            start = None
    return "".join(ranges)


class _Classes:
    def __contains__(self, letter: str) -> bool:
        return letter in _TESTS

    def __getitem__(self, letter: str) -> str:
        return _python_class(letter)


_CLASSES = _Classes()
_PLAIN_ESCAPES = {"n": r"\n", "t": r"\t", "r": r"\r", "f": r"\x{0c}", "v": r"\x{0b}", "a": r"\x{07}"}


def translate_regex(pattern: Any) -> str:
    """The RE2 pattern that `re.search(pattern, text)` means, for DuckDB's regexp_matches.

    Raise Unsupported for what RE2 cannot say the same way (backreferences, lookaround, Unicode
    word boundaries, possessive and atomic groups...)."""
    if not isinstance(pattern, str):
        raise Unsupported(f"regex must be text, not {pattern!r}")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise Unsupported(f"regex {pattern!r} is not a valid Python regex: {exc}") from exc
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        char = pattern[i]
        if char == "\\":
            if i + 1 >= n:
                raise Unsupported(f"regex {pattern!r} ends with a backslash")
            nxt = pattern[i + 1]
            i += 2
            if nxt in _CLASSES:
                out.append(_CLASSES[nxt] if in_class else f"[{_CLASSES[nxt]}]")
            elif nxt.lower() in _CLASSES and nxt.isupper():
                if in_class:
                    raise Unsupported(f"regex {pattern!r}: \\{nxt} inside [...] has no RE2 equivalent")
                out.append(f"[^{_CLASSES[nxt.lower()]}]")
            elif nxt in _PLAIN_ESCAPES:
                out.append(_PLAIN_ESCAPES[nxt])
            elif nxt == "A" and not in_class:
                out.append(r"\A")
            elif nxt == "Z" and not in_class:
                out.append(r"\z")
            elif nxt == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", pattern[i:i + 2]):
                out.append(f"\\x{{{pattern[i:i + 2]}}}")
                i += 2
            elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", pattern[i:i + 4]):
                out.append(f"\\x{{{pattern[i:i + 4]}}}")
                i += 4
            elif not nxt.isalnum() and nxt != "_":
                out.append(f"\\x{{{ord(nxt):x}}}")  # an escaped literal: always a literal in RE2
            else:
                raise Unsupported(f"regex {pattern!r}: \\{nxt} has no RE2 equivalent the gate can use")
            continue
        if in_class:
            if char == "[" and pattern[i + 1:i + 2] in (":", ".", "="):
                raise Unsupported(f"regex {pattern!r}: '[{pattern[i + 1]}' inside [...] means "
                                  "something else to RE2")
            if char == "]":
                in_class = False
            out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i:i + 1] == "]":  # a leading ] is a literal in both
                out.append(r"\x{5d}")
                i += 1
            continue
        if char == "$":
            out.append(r"(?:\n?\z)")  # Python's $ also matches before a final newline
        elif char == "(" and pattern[i + 1:i + 2] == "?":
            # Non-capturing and named groups, and the i and s flags, mean the same to RE2;
            # lookaround, backreferences, atomic groups and the other flags do not.
            if not re.match(r"\?(?::|P<|[is]+\)|[is]*-?[is]*:)", pattern[i + 1:]):
                raise Unsupported(f"regex {pattern!r}: '{pattern[i:i + 4]}' (lookaround, backreference, "
                                  "atomic group or a flag other than i and s) has no RE2 equivalent")
            out.append(char)
        elif char in "*+?}" and pattern[i + 1:i + 2] == "+":
            raise Unsupported(f"regex {pattern!r}: possessive quantifiers have no RE2 equivalent")
        elif char == "{" and re.match(r"\{,[0-9]+\}", pattern[i:]):
            out.append("{0")  # Python's {,n} is {0,n}; RE2 reads {,n} as text
        else:
            out.append(char)
        i += 1
    return "".join(out)


# --- SQL pieces ---------------------------------------------------------------------------------

def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unsupported(f"{value!r} is not a value the gate compares")
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise Unsupported(f"{value!r} is not a value the gate compares (need text, a number, "
                      "true/false or null)")


def _family(duckdb_type: str) -> str:
    if duckdb_type in NUMERIC_TYPES or duckdb_type.startswith("DECIMAL"):
        return "number"
    if duckdb_type == "VARCHAR":
        return "text"
    if duckdb_type == "BOOLEAN":
        return "bool"
    return duckdb_type.lower()


def _value_family(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


@dataclass
class Table:
    """A table's columns and types (DESCRIBE) and the SQL that reads them."""

    name: str
    types: dict[str, str]
    windows: list[str] = field(default_factory=list)
    example_windows: list[str] = field(default_factory=list)

    def column(self, name: str) -> str:
        if name not in self.types:
            raise Broken(f'The column "{name}" in table {self.name} does not exist.')
        return quote(name)

    def family(self, name: str) -> str:
        self.column(name)
        return _family(self.types[name])

    def is_null(self, name: str) -> str:
        """pandas' isnull: NULL, and NaN in a float column."""
        col = self.column(name)
        return f"({col} IS NULL OR isnan({col}))" if self.types[name] in FLOAT_TYPES else f"({col} IS NULL)"

    def value(self, name: str) -> str:
        """The column with NaN read as NULL, as pandas groups and compares it."""
        col = self.column(name)
        return f"(CASE WHEN isnan({col}) THEN NULL ELSE {col} END)" if self.types[name] in FLOAT_TYPES else col

    def equals(self, name: str, value: Any) -> str:
        """`column == value` as pandas says it: false on a null and on a value of another kind
        (a bool equals 1 or 0, as in Python)."""
        if value is None:
            return self.is_null(name)
        family, kind = self.family(name), _value_family(value)
        if family == kind:
            return f"coalesce({self.value(name)} = {_literal(value)}, FALSE)"
        if {family, kind} == {"number", "bool"}:
            return f"coalesce(CAST({self.value(name)} AS DOUBLE) = {float(value)!r}, FALSE)"
        if family.startswith("timestamp") and kind == "text":  # pandas parses the text as a time
            raise Broken(f"the DuckDB gate does not compare {self.name}.{name} ({self.types[name]}) "
                         f"with {value!r}")
        return "FALSE"

    def compare(self, name: str, operator: str, value: Any) -> str:
        """`column <op> value` for an ordering operator: false on a null, raises on other kinds."""
        family, kind = self.family(name), _value_family(value)
        if family != kind and {family, kind} != {"number", "bool"}:
            raise Broken(f"'{operator}' not supported between {self.name}.{name} ({self.types[name]}) "
                         f"and {value!r}")
        column = self.value(name) if family == kind else f"CAST({self.value(name)} AS DOUBLE)"
        return f"coalesce({column} {operator} {_literal(value)}, FALSE)"

    def condition(self, condition: dict[str, Any] | None) -> str:
        if not condition:
            return "TRUE"
        kind = condition["type"]
        if kind in ("and", "or"):
            return "(" + f" {kind.upper()} ".join(self.condition(c) for c in condition["conditions"]) + ")"
        name = condition["column"]["name"]
        if kind == "nullity":
            return self.is_null(name) if condition["is_null"] else f"(NOT {self.is_null(name)})"
        operator, parameter = condition["operator"], condition["parameter"]
        if operator == "==":
            return self.equals(name, parameter)
        if operator == "!=":
            return f"(NOT {self.equals(name, parameter)})"
        if operator in ("IN", "NOT_IN"):
            found = "(" + " OR ".join([self.equals(name, v) for v in parameter] or ["FALSE"]) + ")"
            return found if operator == "IN" else f"(NOT {found})"
        return self.compare(name, operator, parameter)

    def text(self, name: str) -> str:
        """The column as pandas' `astype(str)` writes it: an integer column holding a null is a
        float column in pandas (916 reads "916.0"), true is "True"."""
        col, type_ = self.column(name), self.types[name]
        if type_ == "VARCHAR":
            return col
        if type_ in NUMERIC_TYPES - FLOAT_TYPES:
            any_null = self.window(f"bool_or({col} IS NULL) OVER ()")
            return (f"(CASE WHEN {any_null} THEN CAST(CAST({col} AS DOUBLE) AS VARCHAR) "
                    f"ELSE CAST({col} AS VARCHAR) END)")
        if type_ == "BOOLEAN":
            return f"(CASE WHEN {col} THEN 'True' ELSE 'False' END)"
        if type_ in FLOAT_TYPES or type_ == "DATE" or type_.startswith("DECIMAL"):
            return f"CAST({col} AS VARCHAR)"  # DuckDB writes a double as Python's repr does
        raise Broken(f"the DuckDB gate does not match a regex on {self.name}.{name} ({type_})")

    def window(self, expression: str, examples_only: bool = False) -> str:
        """A window column computed before the aggregates (only in the query for the unexpected
        values of failed checks when `examples_only`); returns its name."""
        alias = f"__w{len(self.windows) + len(self.example_windows)}"
        (self.example_windows if examples_only else self.windows).append(f"{expression} AS {alias}")
        return alias

    def duplicates(self, where: str, keys: list[str]) -> str:
        """The rows where `where` holds whose `keys` another such row shares (pandas'
        duplicated(keep=False): nulls equal), counted by grouping, which costs far less than a
        window over the table; a constant subquery of the table's one query."""
        return (f"(SELECT coalesce(sum(n), 0)::BIGINT FROM (SELECT count(*) AS n FROM {self.name} "
                f"WHERE {where} GROUP BY {', '.join(keys)} HAVING count(*) > 1))")


@dataclass
class Plan:
    """One expectation's aggregates (name -> SQL), the unexpected values to show when it fails
    ((value SQL, where SQL): read as "examples" only then, by a second query) and how its result
    reads their values."""

    aggregates: dict[str, str]
    finish: Callable[[dict[str, Any]], dict[str, Any]]
    examples: tuple[str, str] | None = None


def _count(where: str) -> str:
    return f"count(*) FILTER (WHERE {where})"


def _first(value: str, where: str) -> str:
    """The first SHOWN_VALUES values where `where` holds, in table order (as GX lists them)."""
    return f"arg_min({value}, __row, {SHOWN_VALUES}) FILTER (WHERE {where})"


def _mostly(considered: int, unexpected: int, mostly: float) -> bool:
    return (considered - unexpected) / considered >= mostly


def _map_result(element: int, nonnull: int, unexpected: int, examples: list, mostly: float,
                vacuous: bool) -> dict[str, Any]:
    success = True if vacuous else _mostly(nonnull, unexpected, mostly)
    return {"success": success, "element_count": element, "unexpected_count": unexpected,
            "partial_unexpected_list": examples}


def _column_map(table: Table, kwargs: dict[str, Any], unexpected_when: Callable[[str], str]) -> Plan:
    """A column map expectation on non-null values: `unexpected_when(column_sql)` says which
    non-null values are unexpected."""
    column = kwargs["column"]
    domain = table.condition(kwargs.get("row_condition"))
    nonnull = f"{domain} AND NOT {table.is_null(column)}"
    bad = f"{nonnull} AND {unexpected_when(table.value(column))}"
    mostly = kwargs.get("mostly", 1.0)
    return Plan(
        {"element": _count(domain), "nonnull": _count(nonnull), "unexpected": _count(bad)},
        lambda v: _map_result(v["element"], v["nonnull"], v["unexpected"], v.get("examples") or [], mostly,
                              vacuous=v["element"] == 0 or v["nonnull"] == 0),
        examples=(table.value(column), bad))


def _nullity(table: Table, kwargs: dict[str, Any], want_null: bool) -> Plan:
    column = kwargs["column"]
    domain = table.condition(kwargs.get("row_condition"))
    bad = f"{domain} AND {'NOT ' if want_null else ''}{table.is_null(column)}"
    mostly = kwargs.get("mostly", 1.0)
    return Plan({"element": _count(domain), "unexpected": _count(bad)}, lambda v: _map_result(
        v["element"], v["element"], v["unexpected"],
        v.get("examples") or [None] * min(SHOWN_VALUES, v["unexpected"]), mostly,
        vacuous=v["element"] == 0), examples=(table.value(column), bad) if want_null else None)


def _regex(table: Table, kwargs: dict[str, Any]) -> Plan:
    text = table.text(kwargs["column"])
    pattern = _literal(translate_regex(kwargs["regex"]))
    return _column_map(table, kwargs, lambda col: f"NOT regexp_matches({text}, {pattern})")


def _in_set(table: Table, kwargs: dict[str, Any]) -> Plan:
    column = kwargs["column"]
    found = " OR ".join([table.equals(column, v) for v in kwargs["value_set"] if v is not None] or ["FALSE"])
    return _column_map(table, kwargs, lambda col: f"NOT ({found})")


def _between(table: Table, kwargs: dict[str, Any]) -> Plan:
    column = kwargs["column"]
    family = table.family(column)
    bounds = [(kwargs.get("min_value"), ">" if kwargs.get("strict_min") else ">="),
              (kwargs.get("max_value"), "<" if kwargs.get("strict_max") else "<=")]
    tests = []
    for value, operator in bounds:
        if value is None:
            continue
        kind = _value_family(value)
        if (family == "text") != (kind == "text"):
            raise Broken("Column values, min_value, and max_value must either be None or of the same type.")
        if family not in ("number", "text", "bool"):
            raise Broken(f"the DuckDB gate does not compare {table.name}.{column} "
                         f"({table.types[column]}) with {value!r}")
        tests.append(table.compare(column, operator, value))
    return _column_map(table, kwargs, lambda col: f"NOT ({' AND '.join(tests)})")


def _unique_values(table: Table, kwargs: dict[str, Any]) -> Plan:
    column = kwargs["column"]
    domain = table.condition(kwargs.get("row_condition"))
    nonnull = f"{domain} AND NOT {table.is_null(column)}"
    copies = table.window(f"sum(CASE WHEN {nonnull} THEN 1 ELSE 0 END) "
                          f"OVER (PARTITION BY {table.value(column)})", examples_only=True)
    mostly = kwargs.get("mostly", 1.0)
    return Plan(
        {"element": _count(domain), "nonnull": _count(nonnull),
         "unexpected": table.duplicates(nonnull, [table.value(column)])},
        lambda v: _map_result(v["element"], v["nonnull"], v["unexpected"], v.get("examples") or [], mostly,
                              vacuous=v["element"] == 0 or v["nonnull"] == 0),
        examples=(table.value(column), f"{nonnull} AND {copies} > 1"))


def _rows_kept(table: Table, columns: list[str], ignore_row_if: str) -> str:
    nulls = [table.is_null(c) for c in columns]
    if ignore_row_if in ("all_values_are_missing", "both_values_are_missing"):
        return "NOT (" + " AND ".join(nulls) + ")"
    if ignore_row_if in ("any_value_is_missing", "either_value_is_missing"):
        return "NOT (" + " OR ".join(nulls) + ")"
    return "TRUE"


def _rows_map(table: Table, type_: str, kwargs: dict[str, Any], columns: list[str],
              unexpected_when: str, examples: str, as_rows: Callable[[list], list]) -> Plan:
    """A column-pair or multicolumn map expectation: rows (after the row condition) less those
    ignore_row_if drops are the rows considered."""
    domain = table.condition(kwargs.get("row_condition"))
    kept = f"{domain} AND {_rows_kept(table, columns, kwargs.get('ignore_row_if', IGNORE_ROW_IF[type_][0]))}"
    bad = f"{kept} AND {unexpected_when}"
    mostly = kwargs.get("mostly", 1.0)
    return Plan(
        {"element": _count(domain), "kept": _count(kept), "unexpected": _count(bad)},
        lambda v: _map_result(v["element"], v["kept"], v["unexpected"], as_rows(v.get("examples") or []),
                              mostly, vacuous=v["element"] == 0 or v["kept"] == 0),
        examples=(examples, bad))


def _struct(table: Table, columns: list[str]) -> str:
    return "struct_pack(" + ", ".join(f"{quote('c' + str(i))} := {table.value(c)}"
                                      for i, c in enumerate(columns)) + ")"


def _compound_unique(table: Table, kwargs: dict[str, Any]) -> Plan:
    columns = kwargs["column_list"]
    type_ = "expect_compound_columns_to_be_unique"
    domain = table.condition(kwargs.get("row_condition"))
    kept = f"{domain} AND {_rows_kept(table, columns, kwargs.get('ignore_row_if', IGNORE_ROW_IF[type_][0]))}"
    keys = [table.value(c) for c in columns]
    copies = table.window(f"sum(CASE WHEN {kept} THEN 1 ELSE 0 END) OVER (PARTITION BY "
                          + ", ".join(keys) + ")", examples_only=True)
    mostly = kwargs.get("mostly", 1.0)
    return Plan(
        {"element": _count(domain), "kept": _count(kept), "unexpected": table.duplicates(kept, keys)},
        lambda v: _map_result(v["element"], v["kept"], v["unexpected"],
                              [dict(zip(columns, r.values())) for r in v.get("examples") or []],
                              mostly, vacuous=v["element"] == 0 or v["kept"] == 0),
        examples=(_struct(table, columns), f"{kept} AND {copies} > 1"))


def _pair_greater(table: Table, kwargs: dict[str, Any]) -> Plan:
    a, b = kwargs["column_A"], kwargs["column_B"]
    fa, fb = table.family(a), table.family(b)
    if fa != fb and {fa, fb} != {"number", "bool"}:
        raise Broken(f"'>' not supported between {table.name}.{a} ({table.types[a]}) and "
                     f"{table.name}.{b} ({table.types[b]})")
    operator = ">=" if kwargs.get("or_equal") else ">"
    # a null on either side compares false in pandas: such a row, when kept, is unexpected
    test = f"NOT coalesce({table.value(a)} {operator} {table.value(b)}, FALSE)"
    return _rows_map(table, "expect_column_pair_values_a_to_be_greater_than_b", kwargs, [a, b], test,
                     _struct(table, [a, b]), lambda rows: [tuple(r.values()) for r in rows])


def _pair_in_set(table: Table, kwargs: dict[str, Any]) -> Plan:
    a, b = kwargs["column_A"], kwargs["column_B"]
    pairs = [f"({table.equals(a, x)} AND {table.equals(b, y)})" for x, y in kwargs["value_pairs_set"]]
    test = "NOT (" + (" OR ".join(pairs) or "FALSE") + ")"
    return _rows_map(table, "expect_column_pair_values_to_be_in_set", kwargs, [a, b], test,
                     _struct(table, [a, b]), lambda rows: [tuple(r.values()) for r in rows])


def _row_count(table: Table, kwargs: dict[str, Any]) -> Plan:
    def finish(v: dict[str, Any]) -> dict[str, Any]:
        rows, low, high = v["rows"], kwargs.get("min_value"), kwargs.get("max_value")
        above = low is None or (rows > low if kwargs.get("strict_min") else rows >= low)
        below = high is None or (rows < high if kwargs.get("strict_max") else rows <= high)
        return {"success": above and below, "observed_value": rows}
    return Plan({"rows": "count(*)"}, finish)


def _columns_match_set(table: Table, kwargs: dict[str, Any]) -> Plan:
    actual, expected = set(table.types), set(kwargs["column_set"])
    mismatched = {}
    if actual - expected:
        mismatched["unexpected"] = sorted(actual - expected)
    if expected - actual:
        mismatched["missing"] = sorted(expected - actual)
    exact = kwargs.get("exact_match", True) is not False
    success = not mismatched or (not exact and "missing" not in mismatched)
    result = {"success": success, "observed_value": sorted(actual)}
    if mismatched:
        result["details"] = {"mismatched": mismatched}
    return Plan({}, lambda v: result)


COMPILERS: dict[str, Callable[[Table, dict[str, Any]], Plan]] = {
    "expect_column_values_to_not_be_null": lambda t, k: _nullity(t, k, want_null=False),
    "expect_column_values_to_be_null": lambda t, k: _nullity(t, k, want_null=True),
    "expect_column_values_to_match_regex": _regex,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_be_unique": _unique_values,
    "expect_compound_columns_to_be_unique": _compound_unique,
    "expect_column_pair_values_a_to_be_greater_than_b": _pair_greater,
    "expect_column_pair_values_to_be_in_set": _pair_in_set,
    "expect_table_columns_to_match_set": _columns_match_set,
    "expect_table_row_count_to_be_between": _row_count,
}
assert set(COMPILERS) == set(SIGNATURES)


# --- running a suite ----------------------------------------------------------------------------

def _select(table: Table, expressions: list[str], examples: bool = False) -> str:
    """One query over the table: each expression once, in order."""
    inner = ", ".join(["*", "rowid AS __row", *table.windows, *(table.example_windows if examples else [])])
    return f"SELECT {', '.join(expressions) or 'count(*)'} FROM (SELECT {inner} FROM {table.name})"


def _values(con: duckdb.DuckDBPyConnection, table: Table, wanted: list[dict[str, str]],
            examples: bool = False) -> list[dict[str, Any]]:
    """Evaluate each plan's named aggregates in one query over `table`; an aggregate two plans
    share (the same row count, the same condition) is computed once."""
    distinct = list(dict.fromkeys(sql for names in wanted for sql in names.values()))
    row = con.execute(_select(table, distinct, examples)).fetchall()[0] if distinct else ()
    found = dict(zip(distinct, row))
    return [{name: found[sql] for name, sql in names.items()} for names in wanted]


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite) -> list[CheckResult]:
    """A suite's results, in suite order: one query over its table for every expectation's counts,
    and a second only when some fail, for the first unexpected values of those."""
    import duckdb

    from scorecard.gate import quality

    try:
        described = con.execute(f"DESCRIBE {suite.table}").fetchall()
    except duckdb.CatalogException:
        return [quality._missing_table(suite.name, suite.table)]
    table = Table(suite.table, {row[0]: row[1] for row in described})
    plans: list[Plan | Broken] = []
    for expectation in suite.expectations:
        try:
            plans.append(COMPILERS[expectation.type](table, expectation.kwargs))
        except Broken as exc:
            plans.append(exc)
    counted = [p for p in plans if isinstance(p, Plan)]
    values = dict(zip(map(id, counted), _values(con, table, [p.aggregates for p in counted])))
    failing = [p for p in counted if p.examples and values[id(p)].get("unexpected")]
    shown_values = _values(con, table, [{"examples": _first(*p.examples)} for p in failing], examples=True)
    for plan, shown in zip(failing, shown_values):
        values[id(plan)].update(shown)
    return [_result(suite, expectation, None, str(plan)) if isinstance(plan, Broken)
            else _result(suite, expectation, plan.finish(values[id(plan)]), None)
            for expectation, plan in zip(suite.expectations, plans)]


def _result(suite: Suite, expectation: SuiteExpectation, result: dict[str, Any] | None,
            error: str | None) -> CheckResult:
    """The CheckResult, worded as scorecard.gate.quality words GX's."""
    from scorecard.gate import quality

    kwargs = quality._arguments(expectation.kwargs)
    column = quality._columns(kwargs)
    shown = f"{suite.table}: {expectation.type}({column or ''})"
    unexpected = None
    if error is not None:
        success, observed, message = False, error, f"{shown} could not run: {error}"
    else:
        success = bool(result["success"])
        unexpected = result.get("unexpected_count")
        if unexpected is not None:
            observed = f"{unexpected} unexpected of {result['element_count']}"
            noun = "value" if unexpected == 1 else "values"
            examples = quality._examples(result, unexpected,
                                         mask=names_identifier(IDENTIFIER_COLUMNS, suite.table, column))
            message = f"{shown} failed: {unexpected} unexpected {noun}, e.g. {examples}"
        else:
            observed = quality._short(result.get("details", {}).get("mismatched") or result.get("observed_value"))
            message = f"{shown} failed: observed {observed}"
    return quality.CheckResult(
        suite=suite.name,
        table=suite.table,
        expectation=expectation.type,
        column=column,
        kwargs=json.dumps(kwargs, sort_keys=True, default=str),
        severity=expectation.severity,
        success=success,
        unexpected_count=unexpected,
        observed=observed,
        raised=error is not None,
        message=f"{shown} passed" if success else message,
    )


SUITE_WORKERS = 2  # suites checked at once, each on its own cursor


def run_suites(con: duckdb.DuckDBPyConnection, suites: list[Suite]) -> list[CheckResult]:
    """Every suite's results, in suite order. Suites run two at a time, each on a cursor of its
    own: most tables are small, and one query over a small table leaves the second core idle
    (the demo's gate used 1.07 cores)."""
    from concurrent.futures import ThreadPoolExecutor

    if len(suites) < 2 or SUITE_WORKERS == 1:
        return [result for suite in suites for result in run_suite(con, suite)]
    cursors = [con.cursor() for _ in range(SUITE_WORKERS)]
    free = list(cursors)

    def checked(suite: Suite) -> list[CheckResult]:
        cursor = free.pop()
        try:
            return run_suite(cursor, suite)
        finally:
            free.append(cursor)

    try:
        with ThreadPoolExecutor(SUITE_WORKERS, thread_name_prefix="scorecard-gate") as pool:
            return [result for results in pool.map(checked, suites) for result in results]
    finally:
        for cursor in cursors:
            cursor.close()

