"""Source systems and their extract contracts, one module per source."""

from __future__ import annotations

from scorecard.ingest.sources import audit, education, hr_sap, risks, social_care
from scorecard.ingest.sources.contract import Column, Contract
from scorecard.ingest.sources.identifiers import identifier_columns

CONTRACTS: tuple[Contract, ...] = (
    hr_sap.CONTRACTS + audit.CONTRACTS + social_care.CONTRACTS + education.CONTRACTS
    + risks.CONTRACTS
)
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(c.source for c in CONTRACTS))


IDENTIFIER_COLUMNS: dict[str, frozenset[str]] = identifier_columns(CONTRACTS)


def contracts_for(source: str) -> tuple[Contract, ...]:
    return tuple(c for c in CONTRACTS if c.source == source)


__all__ = ["CONTRACTS", "IDENTIFIER_COLUMNS", "SOURCES", "Column", "Contract", "contracts_for"]
