"""The reporting calendar and cell states. No database, no clock."""

from datetime import date

import pytest

from indicators import schedule


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2024, 3, 31, date(2025, 3, 31)),  # the plan's default: 31 March of the following year
        (2023, 2, 29, date(2024, 2, 29)),  # 2024 is a leap year
        (2024, 2, 29, date(2025, 2, 28)),  # 2025 is not
        (2020, 12, 31, date(2021, 12, 31)),
    ],
)
def test_report_deadline(year, month, day, expected):
    assert schedule.report_deadline(year, month, day) == expected


@pytest.mark.parametrize(("month", "day"), [(4, 31), (2, 30), (13, 1), (0, 1)])
def test_impossible_deadline(month, day):
    with pytest.raises(ValueError):
        schedule.report_deadline(2024, month, day)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 11, 25), 2025), (date(2030, 1, 1), 2025), (date(2020, 5, 1), 2020), (date(2024, 3, 1), 2023)],
)
def test_reporting_year_stays_in_the_plan(today, expected):
    assert schedule.reporting_year(today, first=2020, last=2025) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 3, 1), True),  # 30 days before
        (date(2025, 3, 2), False),  # 29
        (date(2025, 3, 30), True),  # 1
        (date(2025, 3, 31), False),  # the day itself: no "before" left
        (date(2025, 4, 1), False),  # after: late, no reminder
    ],
)
def test_remind_today(today, expected):
    assert schedule.remind_today(today, date(2025, 3, 31)) is expected


def test_is_late():
    assert not schedule.is_late(date(2025, 3, 31), date(2025, 3, 31))
    assert schedule.is_late(date(2025, 4, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "missing"),
        (["approved"], "approved"),
        (["approved", "draft"], "draft"),
        (["submitted", "returned", "approved"], "returned"),
        (["submitted", "approved"], "submitted"),
    ],
)
def test_cell_status(statuses, expected):
    assert schedule.cell_status(statuses) == expected


@pytest.mark.parametrize(
    ("kind", "has_baseline_value", "expected"),
    [
        ("at_least", False, [2020, 2021, 2022, 2023, 2024]),  # STRAW_USE: the 2020 level is needed
        ("at_least", True, [2021, 2022, 2023, 2024]),
        ("cumulative_total", False, [2021, 2022, 2023, 2024]),  # COD: counted from zero
        ("milestone", False, [2021, 2022, 2023, 2024]),
    ],
)
def test_due_years(kind, has_baseline_value, expected):
    due = schedule.due_years(kind=kind, baseline_year=2020, has_baseline_value=has_baseline_value, last_year=2024)
    assert due == expected
