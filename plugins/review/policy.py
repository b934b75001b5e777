"""The review policy: every chapter, FAQ entry and page is reviewed within a set interval.

Pure functions, so the build (a production build fails once a page is
overdue) and ``make lint`` (which also warns ahead of the due date) apply the
same rule. "Today" is the build's own notion of it: the date of
``SOURCE_DATE_EPOCH`` when that is set (a reproducible build judges as of the
sources' date), else the real date in UTC. The pages themselves never depend
on today: they show the Reviewed date and the due date computed from it.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

REVIEW_INTERVAL_MONTHS = 12
REVIEW_WARN_DAYS = 30


@dataclass(frozen=True)
class ReviewStatus:
    reviewed: datetime.date
    due: datetime.date
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    def due_soon(self, warn_days: int = REVIEW_WARN_DAYS) -> bool:
        return not self.overdue and self.days_left <= warn_days


def review_due(reviewed: datetime.date, months: int = REVIEW_INTERVAL_MONTHS) -> datetime.date:
    """The day a review is due: the same day ``months`` later (28 February for a 29th that has none)."""
    return reviewed + relativedelta(months=months)


def build_today(environ: Mapping[str, str] = os.environ) -> datetime.date:
    """SOURCE_DATE_EPOCH's date when it is set, else today's date in UTC."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.datetime.now(tz=datetime.UTC).date()


def review_status(reviewed: datetime.date, months: int, today: datetime.date) -> ReviewStatus:
    return ReviewStatus(reviewed, review_due(reviewed, months), today)


def overdue_message(status: ReviewStatus, months: int) -> str:
    return (f"review overdue since {status.due.isoformat()} (Reviewed {status.reviewed.isoformat()}; "
            f"reviews are due every {months} months): review it, then set Reviewed to that day")


def due_soon_message(status: ReviewStatus) -> str:
    days = status.days_left
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return (f"review due on {status.due.isoformat()} ({when}); a production build fails after that day: "
            "review it, then set Reviewed to that day")
