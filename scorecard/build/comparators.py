"""Statistical-neighbour comparators computed from DfE's published local-authority files.

A comparator is the simple mean of the council's ten statistical neighbours (DfE's April 2021
groupings) on the published, already rounded, percentage for one reporting year. Suppressed or
unavailable cells ('c', 'z', 'x', 'k', 'u', blank, anything non-numeric) and neighbours with no
row are left out of both sum and count, and counted in `neighbours_suppressed`. The mean is
rounded half-up to one decimal place, exactly (decimal arithmetic, not binary floats).

The DfE files are read from wherever they are (for tests: ../shared/external/dfe); they are never
copied into the repository. See docs/comparators.md.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from scorecard.errors import ScorecardError

NEIGHBOUR_FILE = "New_Statistical_Neighbour_Groupings_April_2021.csv"
NEIGHBOUR_CODE_COLUMN = "LA num"
NEIGHBOUR_COLUMNS = tuple(f"SN{i}" for i in range(1, 11))

LA_LEVEL = "Local authority"
OUTPUT_COLUMNS = ("council_code", "kpi_code", "comparator_year", "comparator", "source",
                  "neighbours_used", "neighbours_suppressed")
REFERENCE_COLUMNS = OUTPUT_COLUMNS[:5]


@dataclass(frozen=True)
class ComparatorMeasure:
    """One KPI: which DfE file, which rows (column == value, all must hold), which value column."""

    kpi_code: str
    file: str
    value_column: str
    filters: tuple[tuple[str, str], ...] = ()

    def source(self, time_period: str) -> str:
        where = "; ".join(f"{column}={value}" for column, value in self.filters)
        return (f"DfE {self.file}, column {self.value_column}"
                + (f" ({where})" if where else "")
                + f", time_period {time_period}: mean of the ten statistical neighbours"
                " (DfE April 2021 groupings)")


MEASURES: tuple[ComparatorMeasure, ...] = (
    ComparatorMeasure(
        "CA01", "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "rereferral_percent", (("category", "Referrals and Re-referrals"),)),
    ComparatorMeasure(
        "HP02", "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent",
        (("category", "Child Protection Plans which are a second or subsequent plan"),)),
    ComparatorMeasure(
        "HP03", "d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent",
        (("category", "Child Protection Plans by length of time"),)),
    ComparatorMeasure(
        "CC02", "la_cla_placement_stability.csv", "children_percent",
        (("cla_group", "Children looked after continuously for at least 2.5 years on 31 March "
                       "aged under 16 years"),
         ("placement_stability", "Living with the same carer for at least 2 years"))),
    ComparatorMeasure(
        "CC04", "la_cla_placement_stability.csv", "children_percent",
        (("cla_group", "CLA on 31 March"),
         ("placement_stability", "With 3 or more placements during the year"))),
    ComparatorMeasure(
        "CL01", "la_care_leavers_accommodation_suitability.csv", "care_leaver_percent",
        (("care_leaver_age", "19 to 21 years"),
         ("breakdown", "Accommodation considered suitable"))),
    ComparatorMeasure(
        "CL02", "la_care_leavers_activity.csv", "care_leaver_percent",
        (("care_leaver_age", "19 to 21 years"),
         ("breakdown", "Total in education, employment or training"))),
)

# KPIs the seed gives a comparator for but for which no DfE file is held: not produced.
NOT_AVAILABLE: dict[str, str] = {
    "HP01": "single assessments within 45 working days: no DfE file held",
    "CC06": "re-entries to care within 12 months: no DfE file held",
}

_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def time_period_for(year: str) -> str:
    """'2021-22' -> '2022' (DfE's time_period is the year ending 31 March)."""
    match = _YEAR.match(str(year).strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ScorecardError(f"comparator year '{year}' is not a reporting year like '2021-22'")
    return str(int(match.group(1)) + 1)


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip().lstrip("\ufeff").strip()


def read_neighbours(dfe_dir: Path, la_code: str) -> list[str]:
    """The ten statistical neighbours (old three-digit LA codes, SN1 first) of `la_code`.

    The file starts with a BOM and repeats an `SNP` header after each SNn column, so columns are
    found by position from the header row rather than by (non-unique) name.
    """
    path = Path(dfe_dir) / NEIGHBOUR_FILE
    if not path.is_file():
        raise ScorecardError(f"{path}: statistical neighbour file not found")
    frame = pl.read_csv(path, has_header=False, infer_schema=False)
    header = [_clean(v) for v in frame.row(0)]
    wanted = (NEIGHBOUR_CODE_COLUMN, *NEIGHBOUR_COLUMNS)
    missing = [name for name in wanted if header.count(name) != 1]
    if missing:
        raise ScorecardError(f"{path}: column(s) {', '.join(repr(m) for m in missing)} "
                             "missing or repeated in the header")
    code_at = header.index(NEIGHBOUR_CODE_COLUMN)
    positions = [header.index(name) for name in NEIGHBOUR_COLUMNS]
    code = _clean(la_code)
    rows = [row for row in frame.rows()[1:] if _clean(row[code_at]) == code]
    if not rows:
        raise ScorecardError(f"{path}: LA code '{code}' not found in column "
                             f"'{NEIGHBOUR_CODE_COLUMN}'")
    if len(rows) > 1:
        raise ScorecardError(f"{path}: LA code '{code}' appears {len(rows)} times in column "
                             f"'{NEIGHBOUR_CODE_COLUMN}'")
    neighbours = [_clean(rows[0][i]) for i in positions]
    bad = [name for name, value in zip(NEIGHBOUR_COLUMNS, neighbours) if not value.isdigit()]
    if bad:
        raise ScorecardError(f"{path}: LA code '{code}' has no valid neighbour code in column(s) "
                             f"{', '.join(bad)}")
    return neighbours


def _read_dfe(path: Path, columns: list[str]) -> pl.DataFrame:
    if not path.is_file():
        raise ScorecardError(f"{path}: DfE file not found")
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.rename({c: _clean(c) for c in frame.columns})
    for column in columns:
        if column not in frame.columns:
            raise ScorecardError(f"{path}: column '{column}' not found")
    return frame


def _number(value: object) -> Decimal | None:
    """A published figure, or None for suppressed/unavailable cells (c, z, x, k, u, blank...)."""
    try:
        number = Decimal(_clean(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _neighbour_cells(measure: ComparatorMeasure, dfe_dir: Path, year: str, time_period: str,
                     neighbours: list[str], cache: dict[str, pl.DataFrame]
                     ) -> list[tuple[str, str | None, Decimal | None]]:
    """Each neighbour's cell in the measure's DfE file, SN1 first: (LA code, the cell as
    published or None for no row, the number or None when suppressed/unavailable/absent)."""
    path = Path(dfe_dir) / measure.file
    needed = ["geographic_level", "time_period", "old_la_code", measure.value_column,
              *(column for column, _ in measure.filters)]
    if measure.file not in cache:
        cache[measure.file] = _read_dfe(path, needed)
    frame = cache[measure.file]
    for column in needed:
        if column not in frame.columns:
            raise ScorecardError(f"{path}: column '{column}' not found")
    periods = set(frame.get_column("time_period").drop_nulls().str.strip_chars().to_list())
    if time_period not in periods:
        raise ScorecardError(f"{path}: column 'time_period' has no {time_period} (year {year}); "
                             f"it holds {', '.join(sorted(periods))}")
    condition = ((pl.col("geographic_level").str.strip_chars() == LA_LEVEL)
                 & (pl.col("time_period").str.strip_chars() == time_period))
    for column, value in measure.filters:
        condition = condition & (pl.col(column).str.strip_chars() == value)
    rows = frame.filter(condition).select(
        pl.col("old_la_code").str.strip_chars(), pl.col(measure.value_column))
    if rows.height == 0:
        raise ScorecardError(f"{path}: no local-authority rows for time_period {time_period} with "
                             + ", ".join(f"{c}='{v}'" for c, v in measure.filters))
    cells = []
    for code in neighbours:
        found = rows.filter(pl.col("old_la_code") == code).get_column(measure.value_column)
        if found.len() > 1:
            raise ScorecardError(f"{path}: {found.len()} rows for LA {code}, time_period "
                                 f"{time_period}: the filters on {measure.kpi_code} are ambiguous")
        raw = _clean(found[0]) if found.len() == 1 else None
        cells.append((code, raw, _number(raw) if raw is not None else None))
    return cells


def _measure_row(measure: ComparatorMeasure, dfe_dir: Path, la_code: str, year: str,
                 time_period: str, neighbours: list[str],
                 cache: dict[str, pl.DataFrame]) -> dict:
    cells = _neighbour_cells(measure, dfe_dir, year, time_period, neighbours, cache)
    values = [number for _, _, number in cells if number is not None]
    comparator = None
    if values:
        mean = sum(values, Decimal(0)) / len(values)
        comparator = float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {
        "council_code": la_code,
        "kpi_code": measure.kpi_code,
        "comparator_year": year,
        "comparator": comparator,
        "source": measure.source(time_period),
        "neighbours_used": len(values),
        "neighbours_suppressed": len(neighbours) - len(values),
    }


NEIGHBOUR_OUTPUT_COLUMNS = ("council_code", "kpi_code", "comparator_year", "neighbour_rank",
                            "neighbour_code", "value", "value_as_published", "used_in_mean",
                            "source_file", "value_column", "row_filters", "time_period")
NEIGHBOURS_FILE_NAME = "comparator_neighbours.csv"


def compute_neighbour_values(dfe_dir: Path, la_code: str, year: str,
                             measures: tuple[ComparatorMeasure, ...] = MEASURES) -> pl.DataFrame:
    """One row per measure and statistical neighbour (SN1 = rank 1): the neighbour's figure as
    DfE publishes it, whether it is in the mean (a number) and where it was read."""
    time_period = time_period_for(year)
    year = str(year).strip()
    code = _clean(la_code)
    neighbours = read_neighbours(Path(dfe_dir), code)
    cache: dict[str, pl.DataFrame] = {}
    rows = []
    for measure in measures:
        cells = _neighbour_cells(measure, Path(dfe_dir), year, time_period, neighbours, cache)
        for rank, (neighbour, raw, number) in enumerate(cells, 1):
            rows.append({
                "council_code": code, "kpi_code": measure.kpi_code, "comparator_year": year,
                "neighbour_rank": rank, "neighbour_code": neighbour,
                "value": None if number is None else str(number),
                "value_as_published": raw, "used_in_mean": number is not None,
                "source_file": measure.file, "value_column": measure.value_column,
                "row_filters": "; ".join(f"{c}={v}" for c, v in measure.filters),
                "time_period": time_period,
            })
    return pl.DataFrame(rows, schema={c: (pl.Int64 if c == "neighbour_rank" else
                                          pl.Boolean if c == "used_in_mean" else pl.String)
                                      for c in NEIGHBOUR_OUTPUT_COLUMNS})


def neighbours_path_for(out: Path) -> Path:
    """The per-neighbour file `scorecard comparators` writes beside its --out."""
    return Path(out).with_name(NEIGHBOURS_FILE_NAME)


def write_neighbour_values(frame: pl.DataFrame, out: Path) -> Path:
    """Write the per-neighbour CSV, keeping the rows it already holds for other councils, KPIs
    or years (a recomputed council, KPI and year replaces its ten rows)."""
    out = Path(out)
    key = ["council_code", "kpi_code", "comparator_year"]
    frame = frame.select(NEIGHBOUR_OUTPUT_COLUMNS).with_columns(
        pl.col("used_in_mean").cast(pl.String).str.to_lowercase(),
        pl.all().exclude("used_in_mean").cast(pl.String))
    if out.is_file() and out.stat().st_size:
        existing = pl.read_csv(out, infer_schema=False)
        missing = [c for c in NEIGHBOUR_OUTPUT_COLUMNS if c not in existing.columns]
        if missing:
            raise ScorecardError(f"{out}: not a comparator neighbours file (no column(s) "
                                 f"{', '.join(missing)})")
        kept = existing.select(NEIGHBOUR_OUTPUT_COLUMNS).join(frame.select(key), on=key,
                                                              how="anti")
        frame = pl.concat([kept, frame])
    frame = frame.sort([*key, pl.col("neighbour_rank").cast(pl.Int64)])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(NEIGHBOUR_OUTPUT_COLUMNS)
        for row in frame.iter_rows(named=True):
            writer.writerow(["" if row[c] is None else row[c] for c in NEIGHBOUR_OUTPUT_COLUMNS])
    return out


def compute_comparators(dfe_dir: Path, la_code: str, year: str,
                        measures: tuple[ComparatorMeasure, ...] = MEASURES) -> pl.DataFrame:
    """One row per measure: the neighbours' mean for `year` ('2021-22' -> time_period 2022).

    `neighbours_suppressed` counts neighbours left out because their cell is suppressed, not
    available or absent, so neighbours_used + neighbours_suppressed is always 10.
    """
    time_period = time_period_for(year)
    year = str(year).strip()
    code = _clean(la_code)
    neighbours = read_neighbours(Path(dfe_dir), code)
    cache: dict[str, pl.DataFrame] = {}
    rows = [_measure_row(m, Path(dfe_dir), code, year, time_period, neighbours, cache)
            for m in measures]
    return pl.DataFrame(rows, schema={
        "council_code": pl.String, "kpi_code": pl.String, "comparator_year": pl.String,
        "comparator": pl.Float64, "source": pl.String, "neighbours_used": pl.Int64,
        "neighbours_suppressed": pl.Int64,
    })


def write_comparators(frame: pl.DataFrame, out: Path) -> Path:
    """Write the reference CSV the pipeline reads (reference/comparators.csv format).

    The five reference columns come first; neighbours_used and neighbours_suppressed follow when
    present. A null comparator is written as an empty cell.
    """
    missing = [c for c in REFERENCE_COLUMNS if c not in frame.columns]
    if missing:
        raise ScorecardError(f"{out}: cannot write comparators without column(s) "
                             f"{', '.join(missing)}")
    columns = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in frame.select(columns).iter_rows(named=True):
            writer.writerow(["" if row[c] is None
                             else f"{row[c]:.1f}" if c == "comparator" else row[c]
                             for c in columns])
    return out


def merge_into(frame: pl.DataFrame, out: Path) -> pl.DataFrame:
    """The rows of `frame` plus the rows already in `out` that it does not replace.

    A reference file also holds figures entered by hand (KPIs with no DfE file here, or other
    years); recomputing a council's year replaces only those KPIs' rows for that council and year.
    """
    out = Path(out)
    # absent, or empty (a file just created to receive them): nothing to keep
    if not out.is_file() or out.read_bytes().strip() in (b"", b"\xef\xbb\xbf"):
        return frame
    try:
        existing = pl.read_csv(out, infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise ScorecardError(f"{out}: not a comparators CSV ({str(exc).splitlines()[0]}); "
                             "choose a new --out file") from None
    key = ["council_code", "kpi_code", "comparator_year"]
    missing = [c for c in [*key, "comparator"] if c not in existing.columns]
    if missing:
        raise ScorecardError(f"{out}: not a comparators CSV (no column {', '.join(missing)}); "
                             "choose a new --out file")
    kept = existing.join(frame.select(key), on=key, how="anti").with_columns(
        pl.col("comparator").cast(pl.Float64, strict=False))
    for column in ("neighbours_used", "neighbours_suppressed"):
        if column in kept.columns:
            kept = kept.with_columns(pl.col(column).cast(pl.Int64, strict=False))
    return pl.concat([kept, frame], how="diagonal_relaxed").sort(key)
