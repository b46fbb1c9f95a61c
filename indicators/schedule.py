"""The reporting calendar and the state of what is due. Plain Python with no clock: callers pass `today`."""

import calendar
from datetime import date

from . import kinds

# Reminders go out this many days before the deadline (and not after it: then the figures are late).
REMINDER_DAYS = (30, 14, 7, 3, 1)
# A submission waiting longer than this is brought to its reviewers' attention.
REVIEW_WAIT_HOURS = 48


def report_deadline(year, month, day):
    """The day the figures for `year` are due: `month`/`day` of the following year.

    A day that no month of that number has (31 April) raises ValueError; 29 February falls back to
    the 28th in a common year."""
    date(2024, month, day)  # a leap year: only days that never exist fail
    following = year + 1
    return date(following, month, min(day, calendar.monthrange(following, month)[1]))


def reporting_year(today, *, first, last):
    """The year whose figures are being collected on `today`: last year, within the plan's years."""
    return max(first, min(last, today.year - 1))


def remind_today(today, deadline, days=REMINDER_DAYS):
    return (deadline - today).days in days


def is_late(today, deadline):
    return today > deadline


# The state of one indicator's figures for a year (and region), from the least advanced of its figures.
MISSING, DRAFT, RETURNED, SUBMITTED, APPROVED = "missing", "draft", "returned", "submitted", "approved"
CELL_ORDER = (RETURNED, DRAFT, SUBMITTED, APPROVED)  # the first present wins: it needs someone's action


def cell_status(statuses):
    present = set(statuses)
    return next((status for status in CELL_ORDER if status in present), MISSING)


def due_years(*, kind, baseline_year, has_baseline_value, last_year):
    """The years an indicator needs figures for, up to `last_year`: each year after the baseline, and
    the baseline year itself when the progress is measured against a baseline figure not yet known."""
    needs_baseline = kinds.kind(kind).needs_baseline_value and not has_baseline_value
    first = baseline_year if needs_baseline else baseline_year + 1
    return list(range(first, last_year + 1))
