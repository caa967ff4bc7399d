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
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
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

# The demo council. The seed report is Gloucestershire's (old DfE LA code 916): the mean of its ten
# statistical neighbours (April 2021 groupings) on DfE's 2021-22 figures gives the seed's
# comparators. Its data here is synthetic; only the code and the published figures are real.
DEMO_COUNCIL_CODE = "916"

# Pseudonymisation key. The demo has its own, public, key; a council's run sets SCORECARD_HMAC_KEY.
DEMO_HMAC_KEY = "scorecard-demo-key-not-secret"
