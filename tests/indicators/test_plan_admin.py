"""An administrator moves a plan to its next state in the admin, with a reason; nobody else can."""

import pytest
from django.urls import reverse

from indicators.models import Plan, PlanEvent


def url(plan):
    return reverse("admin:indicators_plan_transition", args=[plan.pk])


def test_the_change_page_offers_the_next_state_and_the_form_moves_it(client, administrator, plan):
    client.force_login(administrator)
    page = client.get(reverse("admin:indicators_plan_change", args=[plan.pk])).content.decode()
    assert url(plan) in page
    assert client.get(url(plan)).status_code == 200
    response = client.post(url(plan), {"reason": "终期评估已发布"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "closed"
    assert PlanEvent.objects.filter(to_status="closed", reason="终期评估已发布", user=administrator).exists()


def test_a_move_without_a_reason_is_refused(client, administrator, plan):
    client.force_login(administrator)
    response = client.post(url(plan), {"reason": ""})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == "active"


def test_a_closed_plan_has_no_next_state(client, administrator, plan):
    Plan.objects.filter(pk=plan.pk).update(status="closed")
    client.force_login(administrator)
    assert client.post(url(plan), {"reason": "again"}).status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "head", "leader", "reviewer"])
def test_only_administrators_move_plans(client, request, plan, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even one let into the admin by mistake
    user.save()
    client.force_login(user)
    assert client.post(url(plan), {"reason": "mine now"}).status_code in (302, 403)
    plan.refresh_from_db()
    assert plan.status == "active" and not PlanEvent.objects.filter(to_status="closed").exists()
