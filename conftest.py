"""Shared fixtures: the plan's real catalogue and the personas every view test uses."""

import django.test
import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from departments import roles
from departments.models import Department, Region
from departments.services import roles_ensure
from indicators.catalogue import read_catalogue
from indicators.models import Plan
from indicators.plans import plan_load, plan_transition
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def catalogue():
    return read_catalogue()


@pytest.fixture
def plan(db, catalogue):
    """The plan as published, loaded the way `manage.py load_plan` loads it, and activated."""
    plan = plan_load(catalogue=catalogue)
    return plan_transition(plan=plan, to=Plan.Status.ACTIVE, reason="Adopted; in use.", user=None)


class SignInClient(django.test.Client):
    """The test client, whose force_login signs in the way the login page and the second factor do together:
    a user with an authenticator app (the factory gives one to whoever must use it) is also verified, as
    django_otp.login() records it. The requirement itself stays: a user without one is sent to set it up."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return SignInClient()


@pytest.fixture
def person(plan):
    """Makes a user of a role, in a department given by its name in the plan (or none)."""
    roles_ensure()

    def make(role, department=None, **fields):
        unit = Department.objects.get(name=department) if department else None
        return UserFactory(role=role, department=unit, **fields)

    return make


# The personas: two clerks of one department, a clerk of another, that first department's head, a leader.
@pytest.fixture
def clerk(person):
    return person(roles.CLERK, "市生态环境局", username="clerk")


@pytest.fixture
def colleague(person):
    return person(roles.CLERK, "市生态环境局", username="colleague")


@pytest.fixture
def outsider(person):
    return person(roles.CLERK, "市住建局", username="outsider")


@pytest.fixture
def head(person):
    return person(roles.HEAD, "市生态环境局", username="head")


@pytest.fixture
def leader(person):
    return person(roles.LEADER, username="leader")


@pytest.fixture
def administrator(person):
    """The system administrator: users, departments and plan data (not a superuser: duties are separated)."""
    return person(roles.ADMINISTRATOR, username="administrator", is_staff=True)


@pytest.fixture
def security_administrator(person):
    """Roles, lockouts, second factors and the password policy."""
    return person(roles.SECURITY_ADMINISTRATOR, username="security_administrator", is_staff=True)


@pytest.fixture
def audit_administrator(person):
    """Reads and exports the audit trail, nothing else."""
    return person(roles.AUDIT_ADMINISTRATOR, username="audit_administrator", is_staff=True)


@pytest.fixture
def reviewer(person):
    return person(roles.REVIEWER, "市统计局", username="reviewer")


@pytest.fixture
def region_clerk(plan):
    """A clerk of a county-level government: enters the figures of 鲅鱼圈区."""
    roles_ensure()
    return UserFactory(role=roles.CLERK, region=Region.objects.get(name="鲅鱼圈区"), username="region_clerk")


def pytest_collection_modifyitems(items):
    """Browser tests last: they are the slowest, and their session-wide live server must not be running
    while the real-worker test's Celery threads open database connections (on PostgreSQL those then
    outlive the run and block dropping the test database)."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)
