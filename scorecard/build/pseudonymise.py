"""Keyed pseudonyms for people: HMAC-SHA256 of an identifier, under a key kept out of the data.

Staging models call the SQL function `pseudonymise(kind, identifier)`; the key lives only in
this process (from SCORECARD_HMAC_KEY, or the public demo key for demo data), so the warehouse
file alone cannot be reversed by hashing candidate identifiers.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import duckdb

from scorecard.config import DEMO_HMAC_KEY
from scorecard.errors import ScorecardError
from scorecard.ingest.read import WHITESPACE

KEY_VARIABLE = "SCORECARD_HMAC_KEY"
MIN_KEY_LENGTH = 16


def resolve_key(demo: bool) -> bytes:
    key = os.environ.get(KEY_VARIABLE, "")
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise ScorecardError(f"{KEY_VARIABLE} must be at least {MIN_KEY_LENGTH} characters")
        return key.encode()
    if demo:
        return DEMO_HMAC_KEY.encode()
    raise ScorecardError(
        f"{KEY_VARIABLE} is not set: a pseudonymisation key is required for real data "
        "(use --demo-key only for the synthetic demo extract)"
    )


def pseudonym(key: bytes, kind: str, identifier: str) -> str:
    message = f"{kind}:{identifier.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


# The characters Python's `str.strip()` removes (`str.isspace()`), as the readers trim values, so
# the SQL below trims exactly what `pseudonym` trims (tests/test_privacy.py checks the list against
# Python's own).
PYTHON_WHITESPACE = tuple(ord(c) for c in WHITESPACE)


def register(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Make `pseudonymise(kind, identifier) -> VARCHAR` available to SQL: `pseudonym` computed by
    DuckDB's own SHA-256 (HMAC as RFC 2104 builds it), so staging runs in parallel in DuckDB
    rather than row by row in Python. A TEMP macro: it lives in this connection only and is
    never written to the warehouse file, since its body holds the key's padded forms."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    whitespace = " || ".join(f"chr({c})" for c in PYTHON_WHITESPACE)
    message = f"encode(CAST(kind AS VARCHAR) || ':' || trim(CAST(identifier AS VARCHAR), {whitespace}))"
    con.execute(
        "CREATE OR REPLACE TEMP MACRO pseudonymise(kind, identifier) AS "
        f"left(sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || {message}))), 32)"
    )


__all__ = ["KEY_VARIABLE", "PYTHON_WHITESPACE", "pseudonym", "register", "resolve_key"]
