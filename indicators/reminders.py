"""Reminder e-mails, sent by a daily job: before the reporting deadline to the clerks and heads of
units with figures still open, and to reviewers of submissions waiting more than 48 hours.

Each person gets at most one reminder of each kind a day (a Reminder row, written in the same
transaction as the mail is handed over), so the job may run twice without sending twice."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from departments import roles
from departments.models import User

from . import permissions, schedule, worklist
from .models import Plan, Reminder

logger = logging.getLogger(__name__)


def reminders_send(*, now):
    """Sends what is due on `now`'s day; returns the number of e-mails sent."""
    plans = list(Plan.objects.active().order_by("baseline_year", "pk"))
    with translation.override(settings.LANGUAGE_CODE):
        return _deadline_reminders(plans, now) + _review_reminders(now)


def _deadline_reminders(plans, now):
    """One e-mail per unit whose figures are open, for every active plan whose deadline is near: a
    statistic two plans read is counted once."""
    today = timezone.localdate(now)
    owed = {}  # unit -> {(year, deadline): {state: {(statistic, region)}}}
    for plan in plans:
        year = schedule.reporting_year(today, first=plan.baseline_year, last=plan.target_year)
        deadline = plan.report_deadline(year)
        if not schedule.remind_today(today, deadline):
            continue
        for row in worklist.completeness(plan=plan, year=year, today=today)["rows"]:
            states = owed.setdefault(row["unit"], {}).setdefault((year, deadline), {})
            for state, keys in row["open_keys"].items():
                states.setdefault(state, set()).update(keys)
    sent = 0
    for unit, due in owed.items():
        for (year, deadline), states in sorted(due.items()):
            counts = {state: len(states.get(state, ())) for state in OPEN_STATES}
            count = sum(counts.values())
            if not count:
                continue
            people = _active(roles.CLERK, roles.HEAD).filter(**{unit._meta.model_name: unit})
            subject = _("%(count)d figures for %(year)s are due by %(deadline)s") % {
                "count": count,
                "year": year,
                "deadline": deadline.isoformat(),
            }
            body = _(
                "%(unit)s: %(missing)d missing, %(draft)d saved as drafts and not submitted, %(returned)d returned "
                "for correction. The figures for %(year)s are due by %(deadline)s.\n\nEnter them here: %(url)s"
            ) % {
                **counts,
                "unit": unit.name,
                "year": year,
                "deadline": deadline.isoformat(),
                "url": _link("reporting:entry"),
            }
            sent += sum(_send(person, Reminder.Kind.DEADLINE, today, subject, body, count) for person in people)
            break  # one deadline reminder a day: the earliest year
    return sent


OPEN_STATES = (schedule.MISSING, schedule.DRAFT, schedule.RETURNED)


def _review_reminders(now):
    today, cutoff = timezone.localdate(now), now - timedelta(hours=schedule.REVIEW_WAIT_HOURS)
    sent = 0
    for person in _active(roles.REVIEWER, roles.HEAD):
        waiting = permissions.reviewable_figures(person).filter(submitted_at__lt=cutoff).count()
        if not waiting:
            continue
        subject = _("%(count)d submissions have waited more than 48 hours for your review") % {"count": waiting}
        body = _("Approve or return them here: %(url)s") % {"url": _link("reporting:review")}
        sent += _send(person, Reminder.Kind.REVIEW, today, subject, body, waiting)
    return sent


def _active(*role_names):
    return User.objects.filter(is_active=True, groups__name__in=role_names).exclude(email="").distinct()


def _link(name):
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _send(person, kind, today, subject, body, items):
    """One e-mail, unless this person had this kind of reminder today. Returns 1 if sent, else 0."""
    with transaction.atomic():
        _reminder, created = Reminder.objects.get_or_create(
            user=person, kind=kind, sent_on=today, defaults={"subject": subject[:200], "items": items}
        )
        if created:
            send_mail(f"[{settings.PRODUCT_NAME}] {subject}", body, None, [person.email])
            logger.info("Sent a %s reminder to %s", kind, person.username)
    return int(created)
