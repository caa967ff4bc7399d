"""What a source file must look like: columns, types, code lists and keys.

A contract is data, not code paths: the loader reads any file through its contract, the docs
(`docs/contracts.md`) describe the same contracts in words, and the raw Great Expectations suites
check them again once loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column of an extract.

    kind: `text` (any non-empty text), `code` (one of `codes`), `date` (one of the contract's
    date formats), `decimal` (a number in plain notation within `minimum`/`maximum`), `integer`
    (a whole number of at most 9 digits, within the range), `pattern` (matches `pattern`).
    `event`: a date column recording something that has happened (a birth, an absence that
    started, a report made), so a date after the extract date is impossible and is quarantined.
    Scheduled dates (targets, due dates, leaving dates agreed ahead) are not events.
    `date_kind`: what a date after the extract date means to the gate's future-dates check
    (sql/marts/mart_future_dates.sql, generated from this): `event` (impossible: blocks
    publication), `scheduled` (possible, e.g. a leaving date agreed ahead: a warning) or `target`
    (expected ahead, a due or target date: not checked). An `event=True` column is an event
    already; a column the loader must not quarantine but the gate must block (the 903 REVIEW
    date, the CIN census dates) says `date_kind="event"` alone.
    `staged_as`: the column's name in its staging model when staging renames it; "" when staging
    does not carry it.
    """

    name: str
    kind: str = "text"
    required: bool = True
    header: str | None = None
    codes: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    required_when: str | None = None  # required when this other column has a value
    identifier: bool = False  # a direct identifier: never leaves raw un-pseudonymised
    event: bool = False  # a date that cannot be after the extract date
    date_kind: str | None = None  # event, scheduled or target (see above)
    staged_as: str | None = None  # the staging model's name for it, "" if staging drops it

    @property
    def file_header(self) -> str:
        return self.header or self.name

    @property
    def future_date_kind(self) -> str | None:
        """event, scheduled or target for a date column; None for any other column."""
        return self.date_kind or ("event" if self.event else None)

    @property
    def staging_name(self) -> str:
        return self.name if self.staged_as is None else self.staged_as


@dataclass(frozen=True)
class Contract:
    source: str
    table: str
    file_name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    encoding: str = "utf-8"
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    sheet: str | None = None
    description: str = ""
    # Where each row's council code comes from: a `council_code` column of the file, the extract
    # folder's extract.json (DfE layouts that carry none), or the file itself (CIN census <LEA>).
    council_code_from: str = "column"
    # A file the run cannot do without; an optional one that is absent loads as an empty table.
    required_file: bool = True
    # A required file may be absent when the folder holds this other file instead (a council
    # whose only social care source is its Ofsted Annex A workbook sends no 903 return).
    required_unless: str | None = None
    # How the file is read: `table` (one header row, scorecard.ingest.read), `cin_census` (the CIN
    # census XML, scorecard.ingest.cin_xml) or `annex_a` (Ofsted's Annex A workbook, scorecard.ingest.annex_a).
    reader: str = "table"
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def raw_table(self) -> str:
        return f"raw.{self.source}__{self.table}"

    @property
    def file_format(self) -> str:
        return self.file_name.rsplit(".", 1)[-1].lower()


COUNCIL_CODE = Column("council_code", "pattern", pattern=r"^[0-9]{3}$")
