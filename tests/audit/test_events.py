"""Every security event writes an entry: who, from where, what about, and whether it succeeded."""

import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_verify
from audit.signals import api_token_used
from departments import roles
from departments.models import Department
from indicators import entry as entry_services
from indicators.models import Figure, Indicator, Plan
from indicators.plans import plan_transition
from reporting.views import assessment as assessment_view
from tests.audit.conftest import entries, last
from tests.factories import UserFactory
from tests.plans import SLUG

Event, Outcome = AuditEntry.Event, AuditEntry.Outcome
PASSWORD = "secret-pass-123"


def login(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


# --- Sign-in, sign-out, lockouts ------------------------------------------------------------------------


def test_signing_in(client, clerk):
    assert login(client, "clerk", PASSWORD, address="10.1.2.3").status_code == 302
    entry = last(Event.LOGIN)
    assert (entry.user, entry.username, entry.address, entry.object, entry.outcome) == (
        clerk, "clerk", "10.1.2.3", "user clerk", Outcome.SUCCESS,
    )  # fmt: skip


def test_failing_to_sign_in(client, clerk):
    login(client, "clerk", "wrong", address="10.1.2.3")
    login(client, "nobody", "wrong")
    failed = entries(Event.LOGIN_FAILED)
    assert [(e.username, e.user_id, e.outcome) for e in failed] == [
        ("clerk", None, Outcome.FAILURE), ("nobody", None, Outcome.FAILURE),
    ]  # fmt: skip
    assert failed[0].address == "10.1.2.3" and "wrong" not in str(failed[0].detail)  # never the password
    assert not entries(Event.LOGIN)


def test_signing_out(client, clerk):
    client.force_login(clerk)
    client.post(reverse("logout"))
    assert last(Event.LOGOUT).user == clerk


def test_a_lockout_and_its_release_by_command(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong", address="10.0.0.5")
    assert login(client, "clerk", PASSWORD, address="10.0.0.6").status_code == 429
    lockouts = entries(Event.LOCKOUT)
    assert lockouts[0].username == "clerk" and lockouts[0].outcome == Outcome.FAILURE
    assert lockouts[0].detail["failures"] == settings.AXES_FAILURE_LIMIT
    assert last(Event.LOGIN_FAILED).detail == {"locked_out": True}  # the right password, refused while locked
    call_command("axes_reset_username", "clerk", stdout=io.StringIO())
    released = last(Event.LOCKOUT_RELEASED)
    assert released.object == "user clerk" and released.detail["failures"] == settings.AXES_FAILURE_LIMIT
    assert released.detail["process"]["os_user"]  # a command: who ran it on the server


def test_a_lock_spread_over_addresses_is_released_too(client, clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong", address=f"10.0.0.{n + 1}")
    call_command("axes_reset_username", "clerk", stdout=io.StringIO())
    assert len(entries(Event.LOCKOUT_RELEASED)) == settings.AXES_FAILURE_LIMIT  # one per address's attempts


def test_a_success_after_a_few_mistakes_releases_nothing(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "clerk", "wrong")
    assert login(client, "clerk", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()  # axes forgot the failures
    assert not entries(Event.LOCKOUT_RELEASED) and not entries(Event.LOCKOUT)


def test_a_release_in_the_admin(client, clerk, security_administrator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong")
    attempt = AccessAttempt.objects.get()
    client.force_login(security_administrator)
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    released = last(Event.LOCKOUT_RELEASED)
    assert released.user == security_administrator and released.detail["username"] == "clerk"
    action = last(Event.ADMIN_ACTION)
    assert action.object.startswith("axes.accessattempt ") and action.detail["action"] == "delete"


# --- Passwords, second factor ---------------------------------------------------------------------------


def test_a_password_change(client, clerk):
    client.force_login(clerk)
    new = "another-Pass-456"
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    entry = last(Event.PASSWORD_CHANGED)
    assert entry.user == clerk and entry.object == "user clerk" and entry.detail == {"via": "password_change"}
    assert not entries(Event.PASSWORD_RESET)


def test_a_password_reset_by_e_mail(client, clerk, mailoutbox):
    clerk.email = "clerk@example.gov.cn"
    clerk.save()
    client.post(reverse("password_reset"), {"email": "clerk@example.gov.cn"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "another-Pass-456"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, REMOTE_ADDR="10.7.7.7")
    entry = last(Event.PASSWORD_RESET)
    assert (entry.user, entry.object, entry.address) == (clerk, "user clerk", "10.7.7.7")
    assert not entries(Event.PASSWORD_CHANGED)


def test_an_administrator_sets_a_password_in_the_admin(client, clerk, administrator):
    client.force_login(administrator)
    new = "another-Pass-456"
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    entry = last(Event.PASSWORD_CHANGED)
    assert entry.user == administrator and entry.object == "user clerk"


def test_a_rehash_of_the_same_password_is_no_change(clerk):
    """At sign-in Django re-hashes a password when the hasher changes: the password itself did not."""
    clerk.set_password(PASSWORD)
    clerk.save()
    assert not entries(Event.PASSWORD_CHANGED)
    clerk.set_password("a-new-one-789")
    clerk.save(update_fields=["password"])
    assert last(Event.PASSWORD_CHANGED).object == "user clerk"


@pytest.mark.skipif(
    not apps.is_installed("django_otp.plugins.otp_totp"), reason="django-otp's TOTP plugin is not installed"
)
def test_second_factor_enrolment(clerk):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=False)
    assert not entries(Event.SECOND_FACTOR_ENROLLED)
    device.confirmed = True
    device.save()
    device.save()  # saved again: enrolled once
    (entry,) = entries(Event.SECOND_FACTOR_ENROLLED)
    assert entry.user == clerk and entry.detail["device"] == "phone"


# --- Users and roles ------------------------------------------------------------------------------------


def test_creating_disabling_and_enabling_a_user(client, administrator):
    client.force_login(administrator)
    user = UserFactory(username="newcomer")
    created = last(Event.USER_CREATED)
    assert created.object == "user newcomer" and created.detail["active"] is True
    user.is_active = False
    user.save()
    assert last(Event.USER_DISABLED).object == "user newcomer"
    user.is_active = True
    user.save()
    assert last(Event.USER_ENABLED).object == "user newcomer"


def test_a_user_created_and_given_a_role_in_the_admin(client, administrator, security_administrator, person):
    client.force_login(administrator)
    url = reverse("admin:departments_user_add")
    response = client.post(
        url, {"username": "newcomer", "password1": "another-Pass-456", "password2": "another-Pass-456",
              "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    user = UserFactory._meta.model.objects.get(username="newcomer")
    assert last(Event.USER_CREATED).user == administrator
    client.force_login(security_administrator)  # roles are the security administrator's to give
    change = reverse("admin:departments_user_change", args=[user.pk])
    response = client.post(change, {"role": roles.CLERK})
    assert response.status_code == 302, response.context["adminform"].form.errors
    roles_entry = last(Event.USER_ROLES_CHANGED)
    assert roles_entry.user == security_administrator and roles_entry.detail == {"added": ["clerk"], "now": ["clerk"]}
    assert {e.detail["action"] for e in entries(Event.ADMIN_ACTION)} == {"add", "change"}


def test_roles_changed_from_either_side(plan, clerk):
    def changed():
        detail = last(Event.USER_ROLES_CHANGED).detail
        detail.pop("process")  # no request: a command or, here, the test
        return detail

    reviewers = Group.objects.get_or_create(name=roles.REVIEWER)[0]
    clerk.groups.add(reviewers)
    assert changed() == {"added": ["reviewer"], "now": ["clerk", "reviewer"]}
    reviewers.user_set.remove(clerk)
    assert changed() == {"removed": ["reviewer"], "now": ["clerk"]}
    clerk.groups.clear()
    assert changed() == {"removed": ["clerk"], "now": []}
    assert last(Event.USER_ROLES_CHANGED).object == "user clerk"


# --- Plans, unlocks, exports ----------------------------------------------------------------------------


def test_plan_lifecycle_changes(plan, administrator):
    activated = last(Event.PLAN_STATUS_CHANGED)
    assert activated.object == f"plan {SLUG}" and activated.detail["to"] == Plan.Status.ACTIVE
    plan_transition(plan=plan, to=Plan.Status.CLOSED, reason="评估完成", user=administrator)
    closed = last(Event.PLAN_STATUS_CHANGED)
    assert closed.user == administrator
    assert closed.detail == {
        "from": "active",
        "to": "closed",
        "reason": "评估完成",
        "process": closed.detail["process"],
    }


def test_an_unlock(plan, administrator):
    straw = Indicator.objects.get(code="STRAW_USE")
    figure = Figure.objects.create(statistic=straw.statistic, year=2021, measure="level", value=85, status="approved")
    entry_services.figures_unlock(user=administrator, indicator=straw, region=None, year=2021, reason="录入错误")
    entry = last(Event.FIGURES_UNLOCKED)
    assert entry.user == administrator and entry.object == "indicator STRAW_USE 2021"
    assert entry.detail["figures"] == [figure.pk] and entry.detail["reason"] == "录入错误"


@pytest.fixture
def assessment_due(monkeypatch):
    monkeypatch.setattr(assessment_view, "timezone", SimpleNamespace(localdate=lambda: date(2026, 3, 31)))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (reverse("reporting:overview-xlsx", args=[SLUG]), f"plan {SLUG} overview.xlsx"),
        (reverse("reporting:assessment-xlsx", args=[SLUG]), f"plan {SLUG} assessment.xlsx"),
        (reverse("reporting:report", args=[SLUG]), f"plan {SLUG} report"),
    ],
)
def test_every_download_of_a_plan_is_recorded(client, leader, assessment_due, url, name):
    client.force_login(leader)
    assert client.get(url, {"year": 2021} if "report" in name else {}).status_code == 200
    entry = last(Event.EXPORT)
    assert (entry.user, entry.object, entry.outcome) == (leader, name, Outcome.SUCCESS)
    assert entry.detail["path"].startswith(url)


def test_the_upload_template_download_is_recorded(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("reporting:upload-template")).status_code == 200
    assert last(Event.EXPORT).object == "figures-template.xlsx"


def test_a_refused_download_is_recorded_as_a_failure(client, leader):
    client.force_login(leader)
    assert client.get(reverse("reporting:upload-template")).status_code == 403
    entry = last(Event.EXPORT)
    assert entry.outcome == Outcome.FAILURE and entry.user == leader


def test_a_report_for_a_year_that_cannot_be_read_is_no_export(client, leader):
    client.force_login(leader)
    assert client.get(reverse("reporting:report", args=[SLUG]), {"year": "x"}).status_code == 400
    assert not entries(Event.EXPORT)


@pytest.mark.parametrize("command", ["export_plan", "export_progress"])
def test_the_export_commands_are_recorded(plan, command):
    call_command(command, stdout=io.StringIO())
    entry = last(Event.EXPORT)
    assert entry.object == f"plan {SLUG} {command}" and entry.username == ""
    assert set(entry.detail["process"]) == {"os_user", "command"}


# --- The admin, the API ---------------------------------------------------------------------------------


def test_an_admin_change(client, administrator):
    client.force_login(administrator)
    department = Department.objects.get(name="市统计局")
    url = reverse("admin:departments_department_change", args=[department.pk])
    data = {"name": department.name, "name_en": "Statistics Bureau", "kind": department.kind, "position": 1}
    assert client.post(url, data | {"aliases": "[]"}).status_code == 302
    entry = last(Event.ADMIN_ACTION)
    assert (entry.user, entry.object) == (administrator, "departments.department 市统计局")
    assert entry.detail["action"] == "change" and entry.detail["id"] == str(department.pk)


def test_deleting_several_objects_at_once_in_the_admin(client, security_administrator, clerk, settings):
    """The admin's "delete selected" writes its log entries in bulk, without post_save: each is recorded."""
    for address in ("10.0.0.1", "10.0.0.2"):
        login(client, "clerk", "wrong", address=address)
    client.force_login(security_administrator)
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    url = reverse("admin:axes_accessattempt_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    deleted = [e for e in entries(Event.ADMIN_ACTION) if e.detail["action"] == "delete"]
    assert len(deleted) == 2 and {e.user for e in deleted} == {security_administrator}


def test_the_api_token_hook(rf, clerk):
    request = rf.get("/api/v1/figures", REMOTE_ADDR="10.3.3.3")
    api_token_used.send(sender=None, request=request, user=clerk, token="reporting-bot")
    entry = last(Event.API_TOKEN_USED)
    assert (entry.user, entry.object, entry.address) == (clerk, "token reporting-bot", "10.3.3.3")


def test_every_event_above_kept_the_chain(client, clerk, administrator, settings):
    login(client, "clerk", "wrong")
    login(client, "clerk", PASSWORD)
    client.post(reverse("logout"))
    client.force_login(administrator)
    UserFactory(username="another", role=roles.LEADER)
    assert len(entries()) > 5 and audit_verify().ok
