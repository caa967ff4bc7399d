"""When the quarterly run happens, and which quarter an unattended run reports."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from dateutil.relativedelta import relativedelta

# 06:00 on the 7th of January, April, July and October (UK time): a week after each quarter
# end, when the source systems' month-end processing is done. SCORECARD_CRON overrides it.
QUARTERLY_CRON = "0 6 7 1,4,7,10 *"
TIMEZONE = "Europe/London"
DEPLOYMENT_NAME = "quarterly-scorecard"


def quarterly_cron() -> str:
    return os.environ.get("SCORECARD_CRON", QUARTERLY_CRON)


def latest_quarter_end(today: dt.date) -> dt.date:
    """The last quarter end strictly before `today` (a scheduled run reports the quarter its
    extracts cover instead: `covered_quarter_end`)."""
    month = ((today.month - 1) // 3) * 3  # months completed in the year before this quarter
    end = dt.date(today.year, 1, 1) + relativedelta(months=month) - dt.timedelta(days=1)
    return end


def quarter_end_on_or_before(day: dt.date) -> dt.date:
    """The last quarter end on or before `day` (`day` itself when it is one)."""
    return latest_quarter_end(day + dt.timedelta(days=1))


def covered_quarter_end(landing_dir: Path) -> tuple[dt.date, dt.date]:
    """What a run with no period end (a scheduled run, or the UI's Run button) reports: the
    latest quarter end the extracts cover, and the extract date that decides it.

    Each source's newest extract folder is the most complete record it has; a run needs every
    source's extract dated on or after the period end, so the date that decides is the oldest
    of the sources' newest extract folders (in a landing zone of one extract date, simply that
    date), and the quarter reported is the last quarter end on or before it: not "the quarter
    before today", which a landing zone not yet refreshed does not cover."""
    from scorecard.errors import LandingError
    from scorecard.ingest.landing import newest_extract_dates

    newest = newest_extract_dates(Path(landing_dir))
    if not newest:
        raise LandingError(f"{landing_dir}: no extract folder (<source>/YYYY-MM-DD/), so no "
                           "quarter end to report; give a period end or add the extracts")
    deciding = min(newest.values())
    return quarter_end_on_or_before(deciding), deciding
