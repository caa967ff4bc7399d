"""Find the extract files a run reads in the landing zone, and fingerprint them."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import LandingError
from scorecard.sources import CONTRACTS, Contract


@dataclass(frozen=True)
class ExtractFile:
    contract: Contract
    path: Path
    extract_date: dt.date
    sha256: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _extract_dates(source_dir: Path) -> list[dt.date]:
    dates = []
    for child in source_dir.iterdir() if source_dir.is_dir() else ():
        try:
            dates.append(dt.date.fromisoformat(child.name))
        except ValueError:
            continue
    return sorted(dates)


def find_extracts(landing: Path, period_end: dt.date) -> list[ExtractFile]:
    """For each source, the newest extract folder dated on or after the period end.

    Extracts are full (history included), so the newest one holds the most complete record of
    every quarter; what was published from earlier extracts stays frozen in `published`.
    """
    landing = Path(landing)
    found = []
    for source in dict.fromkeys(c.source for c in CONTRACTS):
        source_dir = landing / source
        usable = [d for d in _extract_dates(source_dir) if d >= period_end]
        if not usable:
            raise LandingError(
                f"{source_dir}: no extract folder (YYYY-MM-DD) dated on or after {period_end}"
            )
        extract_date = usable[-1]
        for contract in (c for c in CONTRACTS if c.source == source):
            path = source_dir / extract_date.isoformat() / contract.file_name
            if not path.is_file():
                raise LandingError(f"{path}: extract file missing")
            found.append(ExtractFile(contract, path, extract_date, _sha256(path)))
    return found
