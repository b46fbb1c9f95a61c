"""Plans have a life: loaded as drafts, activated, closed; forward only, with a reason kept; pages, entry and jobs
use the latest active plan."""

import pytest
from django.urls import reverse

from departments import roles
from departments.models import Department
from departments.services import roles_ensure
from indicators import permissions
from indicators.models import Plan, PlanEvent
from indicators.plans import TransitionRefused, plan_load, plan_transition
from tests.factories import UserFactory
from tests.plans import SLUG


@pytest.fixture
def draft(db, catalogue):
    """The plan as `load_plan` leaves it (the root conftest's `plan` is activated, and so are its personas)."""
    return plan_load(catalogue=catalogue)


def make(role, **fields):
    roles_ensure()
    return UserFactory(role=role, **fields)


def test_a_loaded_plan_is_a_draft_named_by_its_catalogue(draft):
    assert (draft.status, draft.slug, draft.fictional) == ("draft", "yingkou-14th", False)
    assert Plan.objects.current() is None


@pytest.mark.parametrize(
    ("steps", "to", "refused"),
    [
        ([], "active", False),
        (["active"], "closed", False),
        ([], "closed", True),  # no skipping the active life
        (["active"], "draft", True),  # no way back
        (["active", "closed"], "active", True),
    ],
)
def test_plans_move_forward_one_state_at_a_time(draft, steps, to, refused):
    for step in steps:
        draft = plan_transition(plan=draft, to=step, reason="Adopted.", user=None)
    if refused:
        with pytest.raises(TransitionRefused):
            plan_transition(plan=draft, to=to, reason="Why not.", user=None)
        assert Plan.objects.get().status == (steps[-1] if steps else "draft")
    else:
        assert plan_transition(plan=draft, to=to, reason="Final assessment published.", user=None).status == to


def test_every_move_keeps_who_when_and_why(draft):
    administrator = make(roles.ADMINISTRATOR)
    plan_transition(plan=draft, to="active", reason="  Adopted by the city government. ", user=administrator)
    event = PlanEvent.objects.get()
    assert (event.from_status, event.to_status, event.reason, event.user) == (
        "draft",
        "active",
        "Adopted by the city government.",
        administrator,
    )


def test_a_move_needs_a_reason(draft):
    with pytest.raises(TransitionRefused):
        plan_transition(plan=draft, to="active", reason="   ", user=None)
    assert not PlanEvent.objects.exists() and Plan.objects.get().status == "draft"


def test_loading_again_keeps_the_state(draft, catalogue):
    plan_transition(plan=draft, to="active", reason="Adopted.", user=None)
    assert plan_load(catalogue=catalogue).status == "active"


def test_the_current_plan_is_the_latest_active_one(draft, catalogue):
    later = dict(
        catalogue["plan"], document_number="示例〔2026〕1号", slug="next", baseline_year=2025, target_year=2030
    )
    nxt = Plan.objects.create(
        **{k: later[k] for k in ("name", "document_number", "slug", "adopted_on")}, baseline_year=2025, target_year=2030
    )
    assert Plan.objects.current() is None
    plan_transition(plan=draft, to="active", reason="Adopted.", user=None)
    assert Plan.objects.current() == draft
    plan_transition(plan=nxt, to="active", reason="Adopted.", user=None)
    assert Plan.objects.current() == nxt


def test_nothing_is_entered_for_a_draft(draft):
    clerk = make(roles.CLERK, department=Department.objects.get(name="市生态环境局"))
    assert not permissions.enterable_indicators(clerk).exists()
    plan_transition(plan=draft, to="active", reason="Adopted.", user=None)
    assert permissions.enterable_indicators(clerk).exists()


def test_pages_say_no_plan_is_active_yet(client, draft):
    client.force_login(make(roles.LEADER))
    assert client.get(reverse("reporting:completeness", args=[SLUG])).status_code == 403  # a draft's page
    assert client.get(reverse("reporting:current-completeness"))["Location"] == reverse("reporting:landing")
    response = client.get(reverse("reporting:landing"))
    assert response.status_code == 200 and "load_plan" in response.content.decode()
