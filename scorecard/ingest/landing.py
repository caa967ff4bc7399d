"""Find the extract files a run reads in the landing zone, and fingerprint them.

Layout: `landing/<source>/<extract_date>/<file>` (docs/contracts.md), or, for a landing zone
that serves several councils, one folder per council inside the extract folder:
`landing/<source>/<extract_date>/<council_code>/<file>`. A source folder that is absent means no
council sends that source; inside each extract (or council) folder every required file must be
present (unless the folder holds the file the contract names in `required_unless` instead: a
council whose only social care source is Ofsted's Annex A workbook), and an optional file that is
absent is recorded as such. A source folder may hold a column map, `landing/<source>/columns.toml`
(scorecard.ingest.column_map), for a council whose export has its own headers, codes and date
format; it applies to every extract of that source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from scorecard.ingest.column_map import MAP_FILE, load_column_map
from scorecard.errors import ContractError, LandingError
from scorecard.ingest.sources import CONTRACTS, SOURCES, Contract

MANIFEST = "extract.json"


@dataclass(frozen=True)
class ExtractFile:
    contract: Contract
    path: Path
    extract_date: dt.date | None
    sha256: str | None  # None: the file is absent (an optional file, or a source not sent)
    council_code: str | None = None  # from extract.json, for files that carry no council code
    column_map: Path | None = None  # the source's columns.toml, when the council has one
    column_map_sha256: str | None = None

    @property
    def present(self) -> bool:
        return self.sha256 is not None


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
            date = dt.date.fromisoformat(child.name)
        except ValueError:
            continue
        if not child.is_dir():
            raise LandingError(f"{child}: a file named like an extract date; an extract is a "
                               "folder of files (move the file into one, or remove it)")
        dates.append(date)
    return sorted(dates)


def read_manifest(folder: Path) -> str | None:
    """The council code an extract folder declares in extract.json, if it has one."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        # utf-8-sig: Windows editors save JSON with a byte-order mark
        code = json.loads(path.read_text(encoding="utf-8-sig"))["council_code"]
    except (ValueError, KeyError, TypeError):
        raise ContractError(path, None, "council_code", "not a JSON object with a council_code") from None
    if not (isinstance(code, str) and len(code) == 3 and code.isdigit()):
        raise ContractError(path, None, "council_code", f"{code!r} is not a three-digit LA code")
    return code


def _council_folders(folder: Path) -> list[Path]:
    """The per-council folders of a many-council extract folder (three-digit names), or [] for a
    one-council folder. Files beside council folders would be read for no council: refused."""
    councils = sorted(p for p in folder.iterdir()
                      if p.is_dir() and len(p.name) == 3 and p.name.isdigit())
    if councils:
        stray = sorted(p.name for p in folder.iterdir() if p.is_file())
        if stray:
            raise LandingError(f"{folder}: holds council folders ({councils[0].name}, ...) and "
                               f"files ({', '.join(stray[:3])}); put every file in its council's folder")
    return councils


def _folder_extracts(folder: Path, contracts: list[Contract], extract_date: dt.date,
                     council_folder: bool, column_map: tuple[Path, str] | None) -> list[ExtractFile]:
    council_code = read_manifest(folder)
    if council_folder:
        if council_code is not None and council_code != folder.name:
            raise ContractError(folder / MANIFEST, None, "council_code",
                                f"{council_code}, but the folder is council {folder.name}'s")
        council_code = folder.name
    found = []
    for contract in contracts:
        path = folder / contract.file_name
        if not path.is_file():
            if contract.required_file and not (
                    contract.required_unless and (folder / contract.required_unless).is_file()):
                raise LandingError(f"{path}: extract file missing")
            found.append(ExtractFile(contract, path, extract_date, None, council_code))
            continue
        mapped = column_map if column_map and contract.table in _mapped_tables(*column_map) else None
        if contract.council_code_from == "manifest" and council_code is None:
            raise ContractError(folder / MANIFEST, None, "council_code",
                                f"required: {contract.file_name} carries no council code")
        found.append(ExtractFile(contract, path, extract_date, _TO_HASH, council_code,
                                 *(mapped or (None, None))))
    return found


def _mapped_tables(path: Path, sha256: str) -> set[str]:
    return set(load_column_map(path, path.parent.name, sha256).tables)


def find_column_map(source_dir: Path) -> tuple[Path, str] | None:
    """The source's column map and its SHA-256, checked (a wrong map stops the run here, before
    any file is read), or None when the council's export is in the contract's own layout."""
    path = Path(source_dir) / MAP_FILE
    if not path.is_file():
        return None
    sha256 = _sha256(path)
    load_column_map(path, Path(source_dir).name, sha256)
    return path, sha256


def newest_extract_dates(landing: Path) -> dict[str, dt.date]:
    """Each source's newest extract folder date (sources without one are left out)."""
    newest = {}
    for source in SOURCES:
        dates = _extract_dates(Path(landing) / source)
        if dates:
            newest[source] = dates[-1]
    return newest


def find_extracts(landing: Path, period_end: dt.date) -> list[ExtractFile]:
    """For each source, the newest extract folder dated on or after the period end.

    Extracts are full (history included), so the newest one holds the most complete record of
    every quarter; what was published from earlier extracts stays frozen in `published`.
    In a many-council folder every council folder is read, in council-code order.
    """
    landing = Path(landing)
    if not landing.is_dir():
        raise LandingError(f"{landing}: landing zone not found")
    found: list[ExtractFile] = []
    for source in SOURCES:
        contracts = [c for c in CONTRACTS if c.source == source]
        source_dir = landing / source
        if not source_dir.exists():
            found.extend(ExtractFile(c, source_dir / c.file_name, None, None) for c in contracts)
            continue
        dates = _extract_dates(source_dir)
        usable = [d for d in dates if d >= period_end]
        if not usable and dates:  # an extract taken before the quarter ended cannot cover it
            raise LandingError(
                f"{source_dir / dates[-1].isoformat()}: extract dated {dates[-1]}, before the "
                f"period end {period_end}; a run needs an extract taken on or after the period end"
            )
        if not usable:
            raise LandingError(
                f"{source_dir}: no extract folder (YYYY-MM-DD) dated on or after {period_end}"
            )
        folder = source_dir / usable[-1].isoformat()
        councils = _council_folders(folder)
        column_map = find_column_map(source_dir)
        for each in councils or [folder]:
            found.extend(_folder_extracts(each, contracts, usable[-1], bool(councils), column_map))
    return _hashed(found)


_TO_HASH = "(to hash)"  # a present file's sha256 until `_hashed` fills it in


def _hashed(found: list[ExtractFile]) -> list[ExtractFile]:
    """The files with their SHA-256, hashed on worker threads (hashlib releases the GIL: a
    national landing zone is ~4 GB); a file read by several contracts is hashed once."""
    paths = list(dict.fromkeys(e.path for e in found if e.sha256 == _TO_HASH))
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        hashes = dict(zip(paths, pool.map(_sha256, paths)))
    return [replace(e, sha256=hashes[e.path]) if e.sha256 == _TO_HASH else e for e in found]
