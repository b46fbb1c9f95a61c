"""Separated administrator duties (三员分立): the system administrator manages users, departments and plan data,
the security administrator roles and lockouts, the audit administrator nothing in the admin; none does
another's work, none changes their own rights."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from departments import roles
from departments.models import Department, User

SYSTEM = [
    lambda: reverse("admin:indicators_plan_changelist"),
    lambda: reverse("admin:indicators_indicator_changelist"),
    lambda: reverse("admin:departments_department_changelist"),
    lambda: reverse("admin:departments_region_changelist"),
    lambda: reverse("admin:indicators_figure_changelist"),
    lambda: reverse("admin:departments_user_add"),
]
SECURITY = [
    lambda: reverse("admin:axes_accessattempt_changelist"),
    lambda: reverse("admin:axes_accesslog_changelist"),
    lambda: reverse("admin:otp_totp_totpdevice_changelist"),
    lambda: reverse("admin:otp_static_staticdevice_changelist"),
]
BOTH = [lambda: reverse("admin:departments_user_changelist")]


@pytest.mark.parametrize("url", SYSTEM)
@pytest.mark.parametrize(
    ("persona", "status"), [("administrator", 200), ("security_administrator", 403), ("audit_administrator", 403)]
)
def test_plan_data_and_users_are_the_system_administrators(client, request, plan, url, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url()).status_code == status


@pytest.mark.parametrize("url", SECURITY)
@pytest.mark.parametrize(
    ("persona", "status"), [("administrator", 403), ("security_administrator", 200), ("audit_administrator", 403)]
)
def test_lockouts_are_the_security_administrators(client, request, plan, url, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url()).status_code == status


@pytest.mark.parametrize("url", BOTH)
@pytest.mark.parametrize(
    ("persona", "status"), [("administrator", 200), ("security_administrator", 200), ("audit_administrator", 403)]
)
def test_both_see_the_users(client, request, plan, url, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url()).status_code == status


@pytest.mark.parametrize("persona", ["security_administrator", "audit_administrator"])
def test_the_security_and_audit_administrators_do_not_read_the_citys_figures(client, request, plan, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:overview", args=[plan.slug])).status_code == 403
    assert client.get(reverse("reporting:entry")).status_code == 403


def change(client, user, data):
    return client.post(reverse("admin:departments_user_change", args=[user.pk]), data)


def test_the_security_administrator_gives_roles_and_the_staff_flag_follows(client, plan, security_administrator):
    newcomer = User.objects.create_user(username="newcomer", password="x")
    client.force_login(security_administrator)
    assert change(client, newcomer, {"role": roles.AUDIT_ADMINISTRATOR}).status_code == 302
    newcomer.refresh_from_db()
    assert [g.name for g in newcomer.groups.all()] == [roles.AUDIT_ADMINISTRATOR] and newcomer.is_staff
    change(client, newcomer, {"role": roles.CLERK})
    newcomer.refresh_from_db()
    assert [g.name for g in newcomer.groups.all()] == [roles.CLERK] and not newcomer.is_staff


def test_the_system_administrator_cannot_give_roles(client, plan, administrator, clerk):
    client.force_login(administrator)
    page = client.get(reverse("admin:departments_user_change", args=[clerk.pk])).content.decode()
    assert 'name="role"' not in page and 'name="groups"' not in page and 'name="is_superuser"' not in page
    data = {"username": "clerk", "first_name": "改名", "department": clerk.department_id, "is_active": "on"}
    data |= {"role": roles.ADMINISTRATOR, "groups": [], "is_superuser": "on", "date_joined_0": "2026-01-01"}
    data |= {"date_joined_1": "00:00:00"}
    change(client, clerk, data)
    clerk.refresh_from_db()
    assert [g.name for g in clerk.groups.all()] == [roles.CLERK] and not clerk.is_superuser and not clerk.is_staff


def test_the_system_administrator_disables_a_user(client, plan, administrator, clerk):
    client.force_login(administrator)
    data = {"username": "clerk", "first_name": "", "last_name": "", "email": "", "department": clerk.department_id}
    data |= {"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}  # is_active left unticked
    assert change(client, clerk, data).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active


@pytest.mark.parametrize("persona", ["administrator", "security_administrator"])
def test_nobody_changes_their_own_rights(client, request, plan, persona):
    me = request.getfixturevalue(persona)
    client.force_login(me)
    page = client.get(reverse("admin:departments_user_change", args=[me.pk])).content.decode()
    assert 'name="role"' not in page and 'name="is_active"' not in page
    change(client, me, {"role": roles.ADMINISTRATOR, "is_active": ""})
    me.refresh_from_db()
    assert [g.name for g in me.groups.all()] == [persona] and me.is_active


def test_the_security_administrator_releases_a_lockout(client, plan, security_administrator):
    attempt = AccessAttempt.objects.create(username="clerk", ip_address="10.0.0.1", failures_since_start=10)
    client.force_login(security_administrator)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_system_administrator_creates_users_without_a_role(client, plan, administrator):
    client.force_login(administrator)
    ecology = Department.objects.get(name="市生态环境局")
    data = {"username": "newclerk", "password1": "Yk-2026-safe!", "password2": "Yk-2026-safe!"}
    data |= {"first_name": "新填报员", "email": "", "department": ecology.pk}
    assert client.post(reverse("admin:departments_user_add"), data).status_code == 302
    user = User.objects.get(username="newclerk")
    assert user.department == ecology and not user.groups.exists() and not user.is_staff
