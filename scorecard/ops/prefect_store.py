"""A new Prefect home's database, copied from one migrated when the environment was installed.

Prefect creates a new home's SQLite database on its server's first start by running every Alembic
revision, one after another: 14 of the 20 s a server took to answer on a new home on two cores,
which every first run of a warehouse (a newcomer's `make demo`, each test with its own home) paid.
`make`'s bootstrap migrates one template for the installed Prefect version into the environment
(`python -m scorecard.ops.prefect_store`); a server we start on a home that has no database gets a
copy, and Prefect's migration on start then finds nothing left to do. A template from an older
Prefect is never used (its name carries the version); without a template Prefect migrates as it
always did.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from scorecard.config import OFFLINE_DEFAULTS

DATABASE_FILE = "prefect.db"  # Prefect's default SQLite file in its home
# Settings that point Prefect's server at another database: the home's file is not used then.
CONNECTION_SETTINGS = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def template_path() -> Path:
    """The migrated template for the installed Prefect, inside the environment (sys.prefix)."""
    return Path(sys.prefix) / "share" / "scorecard" / f"prefect-{version('prefect')}.db"


def _copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database with SQLite's backup API (consistent even beside a writer), to a
    temporary name first so that a half-written copy never carries the database's name."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    os.replace(partial, target)


def make_template() -> Path:
    """Migrate a database for the installed Prefect in a temporary home, with Prefect's own
    command, and keep it as the template (once per Prefect version)."""
    target = template_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="prefect-template-") as home:
        env = {key: value for key, value in os.environ.items() if key not in CONNECTION_SETTINGS}
        env.update(OFFLINE_DEFAULTS, PREFECT_HOME=home)
        prefect = Path(sys.executable).with_name("prefect")
        done = subprocess.run([str(prefect), "server", "database", "upgrade", "-y"], env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"migrating Prefect's template database failed:\n{done.stderr}")
        _copy_database(Path(home) / DATABASE_FILE, target)
    return target


def seed_home(env: dict[str, str]) -> bool:
    """Give the Prefect home `env` names (or ~/.prefect) a copy of the template when it has no
    database yet and Prefect would create one there; whether it did."""
    if any(env.get(name) for name in CONNECTION_SETTINGS):
        return False
    home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles = home / "profiles.toml"
    if profiles.exists() and "DATABASE_CONNECTION_URL" in profiles.read_text(encoding="utf-8"):
        return False
    database = home / DATABASE_FILE
    template = template_path()
    if database.exists() or not template.exists():
        return False
    home.mkdir(parents=True, exist_ok=True)
    _copy_database(template, database)
    return True


if __name__ == "__main__":
    print(make_template())
