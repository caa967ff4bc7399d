"""Where things live and the settings that keep every run offline.

Importing this module (the package does it first) sets the environment defaults that stop
Prefect and Great Expectations from calling home, before either library is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Each run's log lines (and failures) go to the Prefect API, where its UI shows them; the
    # console shows warnings only (`scorecard run --verbose` shows the run's log there too).
    "PREFECT_LOGGING_TO_API_ENABLED": "true",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",
}
for _name, _value in OFFLINE_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REFERENCE_DIR = PROJECT_ROOT / "reference"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "scorecard.duckdb"
# Not `published.duckdb`: DuckDB names a database after its file, and a database called
# `published` would make the schema name `published` ambiguous to every reader.
PUBLISHED_FILE_NAME = "scorecard_published.duckdb"
DEFAULT_PUBLISHED = DEFAULT_WAREHOUSE.with_name(PUBLISHED_FILE_NAME)
DEFAULT_LANDING = PROJECT_ROOT / "warehouse" / "landing"
# Extra KPI folders (docs/adding_a_kpi.md): folders, separated as in PATH, each holding models
# (`kpi_<code>_<slug>.sql` and its `_detail`, or any `stg_`/`int_`/`fct_`/`mart_` model) and
# reference rows to add (`kpis.csv`, `targets.csv`, ...): a KPI kept outside sql/ and reference/.
KPI_DIRS_ENV = "SCORECARD_KPI_DIRS"


def kpi_dirs() -> tuple[Path, ...]:
    """The extra KPI folders named by SCORECARD_KPI_DIRS, read at each call (a run's setting)."""
    value = os.environ.get(KPI_DIRS_ENV, "")
    return tuple(Path(part).resolve() for part in value.split(os.pathsep) if part.strip())

# The demo council. The seed report is Gloucestershire's (old DfE LA code 916): the mean of its ten
# statistical neighbours (April 2021 groupings) on DfE's 2021-22 figures gives the seed's
# comparators. Its data here is synthetic; only the code and the published figures are real.
DEMO_COUNCIL_CODE = "916"

# Pseudonymisation key. The demo has its own, public, key; a council's run sets SCORECARD_HMAC_KEY.
DEMO_HMAC_KEY = "scorecard-demo-key-not-secret"


def prefect_home_for(warehouse: Path) -> Path:
    """Where Prefect keeps its database and profiles for a warehouse's runs: `.prefect` beside
    the warehouse file, so that warehouses (and their runs' history) do not share ~/.prefect."""
    return Path(warehouse).resolve().parent / ".prefect"


def use_prefect_home_beside(warehouse: Path) -> None:
    """Set PREFECT_HOME beside `warehouse` unless it is set. Prefect reads it once, when it is
    first imported: called by `scorecard run` and `scorecard serve` before that."""
    import sys

    if os.environ.get("PREFECT_HOME") or "prefect" in sys.modules:
        return
    home = prefect_home_for(warehouse)
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(home)
