"""kintrace.names' DateError codes in the reader's language.

`names/` never imports Django, so its errors carry English messages (for logs) and a short,
stable `code`; every page that shows a date problem to a person says it with these words.
tests/web/test_date_errors.py checks that every code names/dates.py raises is here.
"""

from django.utils.translation import gettext_lazy as _

DATE_REASONS = {
    "day": _("that month has no such day"),
    "day_range": _("that month has no such day"),
    "month": _("there is no such month"),
    "year": _("the year is out of range"),
    "year_range": _("the year is out of range"),
    "number": _("a number, not a date"),
    "format": _("not a way of writing a date we know"),
    "month_name": _("not a month's name"),
    "range": _("a period of several years"),
    "range_order": _("the period ends before it starts"),
    "precision": _("a day without a month"),
    "empty": _("no date given"),
    "approximate": _("an approximate date, where an exact one is needed"),
}


def date_reason(error) -> str:
    """Why the date cannot be used, in the active language (never the English message)."""
    return str(DATE_REASONS.get(getattr(error, "code", ""), _("not a date we can read")))
