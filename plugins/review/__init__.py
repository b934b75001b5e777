"""review: honest review dates, and a way for readers to report a problem.

- Each chapter, FAQ entry and page gets ``review_due`` (its Reviewed date plus
  ``REVIEW_INTERVAL_MONTHS``) for ``partials/review.html``: "Last reviewed ...
  · Next review due ...". A build with ``REVIEW_ENFORCE`` (publishconf.py)
  fails on each published one that is overdue, as of the build's "today"
  (policy.py); ``make lint`` warns ``REVIEW_WARN_DAYS`` ahead (tools/lint.py).
- ``CONTACT`` (contact.py) is checked once, and templates get
  ``report_problem_url(title, url, reviewed)`` for ``partials/report-problem.html``.
"""

from __future__ import annotations

import datetime
import logging

from guide_core import kinds
from guide_core.frontmatter import metadata_line
from guide_core.problems import display_path
from pelican import signals
from pelican.utils import SafeDatetime

from .contact import ContactError, parse_contact
from .policy import REVIEW_INTERVAL_MONTHS, build_today, overdue_message, review_status

logger = logging.getLogger(__name__)

REVIEWED_KINDS = tuple(k.name for k in kinds.KINDS.values() if k.dated)


def interval(settings: dict) -> int:
    months = settings.get("REVIEW_INTERVAL_MONTHS", REVIEW_INTERVAL_MONTHS)
    return months if isinstance(months, int) and not isinstance(months, bool) and months > 0 \
        else REVIEW_INTERVAL_MONTHS


def check_settings(pelican) -> None:
    """CONTACT, and the report link's template function; the interval's type."""
    settings = pelican.settings
    months = settings.get("REVIEW_INTERVAL_MONTHS", REVIEW_INTERVAL_MONTHS)
    if isinstance(months, bool) or not isinstance(months, int) or months <= 0:
        logger.error("REVIEW_INTERVAL_MONTHS must be a whole number of months (1 or more), not %r", months)
    try:
        contact = parse_contact(settings.get("CONTACT"))
    except ContactError as error:
        logger.error("%s", error)
        contact = None

    def report_problem_url(title: str, url: str, reviewed: str = "") -> str:
        """The prefilled link, or "" without a CONTACT (the partial then shows nothing)."""
        if contact is None:
            return ""
        return contact.report_url(" ".join(str(title).split()), str(url), str(reviewed or ""))

    functions = {**settings.get("JINJA_GLOBALS", {}), "report_problem_url": report_problem_url}
    settings["JINJA_GLOBALS"] = functions


def add_review_due(instance) -> None:
    """``review_due`` for the templates; in an enforcing build, an error once it has passed."""
    if getattr(instance, "kind", None) not in REVIEWED_KINDS:
        return
    reviewed = getattr(instance, "reviewed", None)
    if not isinstance(reviewed, datetime.datetime) or reviewed.year == 1970:
        return  # no valid Reviewed: content_model has reported it
    settings = instance.settings
    months = interval(settings)
    status = review_status(reviewed.date(), months, build_today())
    instance.review_due = SafeDatetime(status.due.year, status.due.month, status.due.day)
    if settings.get("REVIEW_ENFORCE") and instance.status != "draft" and status.overdue:
        logger.error("%s:%d: %s", display_path(instance.source_path),
                     metadata_line(instance.source_path, "reviewed"), overdue_message(status, months))


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(add_review_due)
