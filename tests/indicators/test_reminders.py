"""Reminder e-mails: before the deadline to units with open figures only, to reviewers after 48 hours;
never twice a day."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from departments.models import Department
from indicators import tasks, worklist
from indicators.models import Figure, Indicator, Reminder
from indicators.reminders import reminders_send

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2024 figures are due 2025-03-31; 1 March is 30 days before.
REMINDER_DAY = datetime(2025, 3, 1, 8, tzinfo=SHANGHAI)


@pytest.fixture
def people(clerk, head, outsider, reviewer):
    for user in (clerk, head, outsider, reviewer):
        user.email = f"{user.username}@yingkou.example"
        user.save()
    return clerk, head, outsider, reviewer


def approve_everything_led_by(name, year):
    department = Department.objects.get(name=name)
    for indicator in Indicator.objects.filter(
        task__responsibilities__department=department, task__responsibilities__role="lead"
    ):
        Figure.objects.create(statistic=indicator.statistic, year=year, measure="level", value=1, status="approved")


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_deadline_reminders_go_only_to_units_with_open_figures(people):
    approve_everything_led_by("市住建局", 2024)  # the outsider's department is complete
    assert reminders_send(now=REMINDER_DAY) == 2
    assert recipients() == ["clerk@yingkou.example", "head@yingkou.example"]
    assert "2024 年尚有" in mail.outbox[0].subject and "2025-03-31" in mail.outbox[0].subject
    assert "/entry/" in mail.outbox[0].body


def test_never_twice_a_day(people):
    reminders_send(now=REMINDER_DAY)
    sent = len(mail.outbox)
    assert reminders_send(now=REMINDER_DAY + timedelta(hours=3)) == 0
    assert len(mail.outbox) == sent == Reminder.objects.count()


@pytest.mark.parametrize("day", [datetime(2025, 3, 2, 8, tzinfo=SHANGHAI), datetime(2025, 4, 2, 8, tzinfo=SHANGHAI)])
def test_no_deadline_reminder_on_other_days_or_after_the_deadline(people, day):
    assert reminders_send(now=day) == 0
    assert mail.outbox == []


def test_reviewers_are_reminded_after_48_hours(people):
    clerk, head, _outsider, reviewer = people
    now = datetime(2025, 6, 10, 8, tzinfo=SHANGHAI)
    steel = Indicator.objects.get(code="STEEL_ULE")
    figure = Figure.objects.create(
        statistic=steel.statistic,
        year=2024,
        measure="level",
        value=50,
        status="submitted",
        entered_by=clerk,
        submitted_at=now - timedelta(hours=47),
    )
    assert reminders_send(now=now) == 0
    figure.submitted_at = now - timedelta(hours=49)
    figure.save()
    assert reminders_send(now=now) == 2
    assert recipients() == ["head@yingkou.example", "reviewer@yingkou.example"]
    assert "48 小时" in mail.outbox[0].subject and "/review/" in mail.outbox[0].body


def test_people_without_an_address_or_inactive_get_nothing(people):
    clerk, head, *_ = people
    clerk.email = ""
    clerk.save()
    head.is_active = False
    head.save()
    approve_everything_led_by("市住建局", 2024)
    assert reminders_send(now=REMINDER_DAY) == 0


def test_the_daily_task_sends_todays_reminders(people, monkeypatch):
    monkeypatch.setattr(tasks.timezone, "now", lambda: REMINDER_DAY)
    assert tasks.send_reminders.delay().get() == 3  # clerk, head and outsider: nothing is entered yet
    assert len(mail.outbox) == 3


def test_one_reminder_a_day_for_every_active_plan_counting_a_shared_statistic_once(people, plan):
    """In March 2026 both plans want 2025 figures (the 14th plan's last year, the next plan's baseline): 市发改委
    owes energy intensity under both, and is told once."""
    from departments import roles
    from departments.services import user_upsert
    from indicators.catalogue import NEXT_PLAN_PATH, read_catalogue
    from indicators.plans import plan_load, plan_transition

    following = plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))
    plan_transition(plan=following, to="active", reason="test", user=None)
    energy = Department.objects.get(name="市发改委（市能源局）")
    clerk = user_upsert(
        username="energy", password="x-Long-pass-1", role=roles.CLERK, first_name="发改委填报员", department=energy
    )
    clerk.email = "energy@yingkou.example"
    clerk.save()
    day = datetime(2026, 3, 1, 8, tzinfo=SHANGHAI)
    each = [
        worklist.completeness(plan=p, year=2025, today=day.date(), unit=energy)["rows"][0] for p in (plan, following)
    ]
    shared = set().union(*each[0]["open_keys"].values()) & set().union(*each[1]["open_keys"].values())
    ei = Indicator.objects.filter(code="EI_GDP").first().statistic_id
    assert (ei, None) in shared
    reminders_send(now=day)
    assert [m.to for m in mail.outbox].count(["energy@yingkou.example"]) == 1
    items = Reminder.objects.get(user=clerk, kind="deadline").items
    assert items == each[0]["open"] + each[1]["open"] - len(shared)
