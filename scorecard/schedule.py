"""When the quarterly run happens, and which quarter an unattended run reports."""

from __future__ import annotations

import datetime as dt
import os

from dateutil.relativedelta import relativedelta

# 06:00 on the 7th of January, April, July and October (UK time): a week after each quarter
# end, when the source systems' month-end processing is done. SCORECARD_CRON overrides it.
QUARTERLY_CRON = "0 6 7 1,4,7,10 *"
TIMEZONE = "Europe/London"
DEPLOYMENT_NAME = "quarterly-scorecard"


def quarterly_cron() -> str:
    return os.environ.get("SCORECARD_CRON", QUARTERLY_CRON)


def latest_quarter_end(today: dt.date) -> dt.date:
    """The last quarter end strictly before `today`: what a scheduled run reports."""
    month = ((today.month - 1) // 3) * 3  # months completed in the year before this quarter
    end = dt.date(today.year, 1, 1) + relativedelta(months=month) - dt.timedelta(days=1)
    return end
