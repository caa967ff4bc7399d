"""Errors a person can act on: each names the file, the row and the column."""

from __future__ import annotations

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
