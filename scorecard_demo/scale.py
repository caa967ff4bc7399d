"""A scaled demo landing zone: N councils' records in the extract files a council (or a region
sending on behalf of its councils) drops in `landing/`, for the benchmark (`bench/`).

The demo council is generated once (`write_demo_landing`, ~3 s; read from the environment's copy,
`landing_cache`, when it holds one) and its files are then copied once per council with that
council's code, which is fast and deterministic (byte-for-byte the same output for the same N).
The first council is the demo council, 916 (the one `reference/` has targets, comparators and
commentary for); the others take the codes 800, 801, ... skipping 916.

What scales and what does not (docs/performance.md, "The scaled landing zone"):

* Every file whose rows carry a `council_code` column holds all N councils, concatenated as a
  regional extract would be: the four HR/SAP files (cp1252, kept byte-for-byte), the audit
  workbook (rewritten with openpyxl's write-only mode), the education attendance list and the
  risk register.
* Children's social care is sent per council, as councils send statutory returns: one folder
  per council, `social_care/<date>/<council_code>/`, each with its own `extract.json`, SSDA903
  files (which carry no council code), CIN census (its `<LEA>` set to the council) and local
  lists (their `council_code` column set to it). With one council the folder stays the plain
  one-council layout, `social_care/<date>/`.

Identifiers are kept as they are: every extract key and every pseudonymised identifier includes
the council code (`council_code || ':' || id`), so the copies are distinct records per council.
Every council is therefore a copy of the demo council's figures - realistic in size and in the
proportions between files, not in variation between councils.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

from scorecard_demo import write_demo_landing
from scorecard_demo.landing_cache import cached_files
from scorecard_demo.model import DEMO_EXTRACT_DATE

DEMO_COUNCIL = "916"
# Files with a leading council_code column that may hold many councils (source, file).
MULTI_COUNCIL_CSVS = (
    ("hr_sap", "staff_in_post.csv"),
    ("hr_sap", "absences.csv"),
    ("hr_sap", "appraisals.csv"),
    ("hr_sap", "riddor_reports.csv"),
    ("education", "attendance.csv"),
    ("risks", "risk_register.csv"),
)
AUDIT_WORKBOOK = ("audit", "recommendations.xlsx")
MAX_COUNCILS = 1 + 999 - 800  # 916, then 800..999 without 916


def council_codes(councils: int) -> list[str]:
    """The N council codes of a scaled landing zone: 916 first, then 800 upward skipping 916."""
    if not 1 <= councils <= MAX_COUNCILS:
        raise ValueError(f"councils must be 1..{MAX_COUNCILS}, got {councils}")
    others = [f"{code}" for code in range(800, 1000) if code != int(DEMO_COUNCIL)]
    return [DEMO_COUNCIL, *others[: councils - 1]]


def write_scaled_landing(out_dir: Path, councils: int) -> list[Path]:
    """Write a landing zone holding `councils` councils' extracts under `out_dir`; return its
    files (the same set of files as `write_demo_landing`)."""
    codes = council_codes(councils)
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="scorecard-demo-") as tmp:
        cached = cached_files(DEMO_COUNCIL)  # read where they are kept, not copied first
        if cached is None:
            demo, files = Path(tmp), write_demo_landing(Path(tmp), DEMO_COUNCIL)
        else:
            demo, files = cached[0], [cached[0] / name for name in cached[1]]
        written: list[Path] = []
        for path in files:
            relative = path.relative_to(demo)
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            source_file = (relative.parts[0], relative.name)
            if source_file in MULTI_COUNCIL_CSVS:
                _write_csv_copies(path, target, codes)
            elif source_file == AUDIT_WORKBOOK:
                _write_workbook_copies(path, target, codes)
            elif len(codes) == 1:
                shutil.copyfile(path, target)
            else:  # social_care/: a folder per council (module docstring)
                written.extend(_write_council_folders(path, target, codes))
                continue
            written.append(target)
    return written


def _write_council_folders(path: Path, target: Path, codes: list[str]) -> list[Path]:
    """One council's social care file, written into each council's folder with its code."""
    data = path.read_bytes()
    written = []
    for code in codes:
        council_file = target.parent / code / target.name
        council_file.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "extract.json":
            council_file.write_text(json.dumps({"council_code": code}), encoding="utf-8")
        elif path.suffix == ".xml":
            old, new = f"<LEA>{DEMO_COUNCIL}</LEA>".encode(), f"<LEA>{code}</LEA>".encode()
            if data.count(old) != 1:
                raise ValueError(f"{path}: expected one {old.decode()}")
            council_file.write_bytes(data.replace(old, new))
        elif data.startswith(b"council_code,"):
            _write_csv_copies(path, council_file, [code])
        else:  # SSDA903: no council code in the file, extract.json gives it
            council_file.write_bytes(data)
        written.append(council_file)
    return written


def _write_csv_copies(path: Path, target: Path, codes: list[str]) -> None:
    """The header once, then the body once per council with its code at the start of each line.

    Works on bytes, so each file keeps its encoding (cp1252 for SAP) and line endings; every
    record line of these files starts with `<council_code>,` (a quoted field may span lines, but
    none of the demo's continuation lines starts with the demo council's code and a comma)."""
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    header, body = data[:header_end], data[header_end:]
    old = DEMO_COUNCIL.encode("ascii") + b","
    if body and not body.startswith(old):
        raise ValueError(f"{path}: expected rows to start with the council code {DEMO_COUNCIL}")
    if not body.endswith(b"\n"):
        body += b"\n"
    with target.open("wb") as out:
        out.write(header)
        for code in codes:
            new = code.encode("ascii") + b","
            out.write(body if code == DEMO_COUNCIL
                      else new + body[len(old):].replace(b"\n" + old, b"\n" + new))


def _write_workbook_copies(path: Path, target: Path, codes: list[str]) -> None:
    """The audit workbook's rows once per council (openpyxl write-only mode), dates as dates."""
    import io
    import zipfile

    from openpyxl import Workbook, load_workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    source = load_workbook(path, read_only=True)
    sheet = source[source.sheetnames[0]]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    title = sheet.title
    source.close()
    header, body = rows[0], rows[1:]

    workbook = Workbook(write_only=True)
    out = workbook.create_sheet(title)
    out.append(header)
    for code in codes:
        for row in body:
            cells = []
            for index, value in enumerate(row):
                if index == 0:
                    value = code
                if isinstance(value, (date, datetime)):
                    cell = WriteOnlyCell(out, value=value)
                    cell.number_format = "dd/mm/yyyy"
                    cells.append(cell)
                else:
                    cells.append(value)
            out.append(cells)
    stamp = datetime.combine(DEMO_EXTRACT_DATE, datetime.min.time())
    workbook.properties.creator = "scorecard demo generator"
    workbook.properties.created = workbook.properties.modified = stamp
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()  # not save(): it stamps the time of saving
    fixed = io.BytesIO()  # fixed zip timestamps: the same N gives the same bytes
    with zipfile.ZipFile(saved) as zsrc, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as zdst:
        for member in zsrc.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zdst.writestr(info, zsrc.read(member.filename))
    target.write_bytes(fixed.getvalue())
