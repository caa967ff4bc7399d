"""Which raw columns hold direct identifiers, and the masked form in which a message may show one.

A direct identifier (a child's id or UPN, an employee number, a name, a postcode) never appears in
a message, log, artifact or report, not even as the value being rejected: the reader is told the
table, the column, the row and its shape, `X99999999999X` for `A12345678901B` (letters X, digits
9, other characters kept), which says what is wrong with a malformed value without revealing it.
"""

from __future__ import annotations

import re

from scorecard.ingest.sources.contract import Contract

MASK_LENGTH = 24  # a longer value shows its first 24 characters' shape and its length


def identifier_columns(contracts: tuple[Contract, ...]) -> dict[str, frozenset[str]]:
    """{raw table: its identifier columns} for these contracts."""
    return {c.raw_table: frozenset(col.name for col in c.columns if col.identifier)
            for c in contracts}


def names_identifier(identifiers: dict[str, frozenset[str]], table: str,
                     columns: str | None) -> bool:
    """True when a check or quarantine record concerns an identifier column of `table` (a
    comma-separated list of columns, as a duplicate-key record has, counts if any is one)."""
    found = identifiers.get(table, frozenset())
    return bool(columns) and any(c.strip() in found for c in columns.split(","))


def masked(value: object) -> str | None:
    """The shape of a value: letters become X, digits 9, everything else stays."""
    if value is None:
        return None
    text = str(value)
    shape = re.sub(r"[0-9]", "9", re.sub(r"[^\W\d_]", "X", text[:MASK_LENGTH]))
    return shape if len(text) <= MASK_LENGTH else f"{shape}… ({len(text)} characters)"
