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
import pyarrow as pa

from scorecard.config import DEMO_HMAC_KEY
from scorecard.errors import ScorecardError

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


def register(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Make `pseudonymise(kind VARCHAR, identifier VARCHAR) -> VARCHAR` available to SQL."""

    def _pseudonymise(kinds: pa.Array, identifiers: pa.Array) -> pa.Array:
        out = [
            None if i is None else pseudonym(key, k, i)
            for k, i in zip(kinds.to_pylist(), identifiers.to_pylist())
        ]
        return pa.array(out, type=pa.string())

    try:
        con.remove_function("pseudonymise")
    except duckdb.Error:
        pass
    con.create_function(
        "pseudonymise", _pseudonymise, ["VARCHAR", "VARCHAR"], "VARCHAR",
        type="arrow", null_handling="special", side_effects=False,
    )


__all__ = ["KEY_VARIABLE", "pseudonym", "register", "resolve_key"]
