"""Errors a person can act on: each names the file, the row and the column."""

from __future__ import annotations

import errno
from pathlib import Path


class ScorecardError(Exception):
    """Base class: the run stops and says why in one line."""


class ContractError(ScorecardError):
    """A file breaks its contract so badly that none of it can be loaded."""

    def __init__(self, file: Path | str, row: int | None, column: str | None, reason: str):
        self.file = str(file)
        self.row = row
        self.column = column
        self.reason = reason
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {reason}")

    def __reduce__(self):  # pickled (a Prefect task's failed state), it must arrive whole
        return type(self), (self.file, self.row, self.column, self.reason)


class LandingError(ScorecardError):
    """The landing zone does not hold what the run needs."""


class GateFailed(ScorecardError):
    """Error-level quality checks failed; nothing was published."""

    def __init__(self, failures: list[str], report: Path | str | None = None):
        self.failures = failures
        self.report = report
        shown = "; ".join(failures[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        where = f" (report: {report})" if report else ""
        super().__init__(f"quality gate failed, nothing published: {shown}{more}{where}")

    def __reduce__(self):  # the default would call GateFailed(message) and iterate its letters
        return type(self), (list(self.failures), None if self.report is None else str(self.report))


def one_line(exc: BaseException) -> str:
    """What went wrong and what to do, in one line, for a failure that is not one of ours (the
    disk, the file system, the database engine): never a traceback."""
    if isinstance(exc, OSError) and exc.strerror:  # str() would repeat the file name
        text = f"[Errno {exc.errno}] {exc.strerror}"
    else:
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        return (f"{where}no space left on the disk ({text}); free some space and run again "
                "(the published database is unchanged)")
    if isinstance(exc, PermissionError):
        return (f"{where}permission denied; the user running the scorecard needs to write the "
                "warehouse folder and read the landing zone")
    if isinstance(exc, OSError):
        return f"{where}{text} (the published database is unchanged)"
    return f"{type(exc).__name__}: {text} (the published database is unchanged)"
