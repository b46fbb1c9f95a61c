"""Each role starts where its work is: "/" sends it there, and so does logging in."""

import pytest
from django.urls import reverse

from departments import roles
from departments.models import Department, Region
from tests.factories import UserFactory
from tests.plans import SLUG


def ecology():
    return Department.objects.get(name="市生态环境局").pk


@pytest.mark.parametrize(
    ("persona", "where"),
    [
        ("leader", lambda: reverse("reporting:overview", args=[SLUG])),
        ("administrator", lambda: reverse("reporting:overview", args=[SLUG])),
        ("head", lambda: reverse("reporting:department", args=[SLUG, ecology()])),
        ("clerk", lambda: reverse("reporting:entry")),
        ("region_clerk", lambda: reverse("reporting:entry")),
        ("reviewer", lambda: reverse("reporting:review")),
    ],
)
def test_each_role_lands_on_its_page(client, request, persona, where):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("reporting:landing"))
    assert response.status_code == 302 and response["Location"] == where()
    assert client.get(response["Location"]).status_code == 200


def test_a_regions_head_lands_on_the_region_page(client, plan, region_clerk):
    bayuquan = Region.objects.get(name="鲅鱼圈区")
    client.force_login(UserFactory(role=roles.HEAD, region=bayuquan, username="region_head"))
    response = client.get(reverse("reporting:landing"))
    assert response["Location"] == reverse("reporting:region", args=[SLUG, bayuquan.pk])


def test_logging_in_goes_through_the_landing_page(client, head):
    response = client.post(reverse("login"), {"username": "head", "password": "secret-pass-123"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:department", args=[SLUG, ecology()])


def test_anonymous_goes_to_login_and_no_role_gets_403(client, plan, django_user_model):
    assert client.get(reverse("reporting:landing"))["Location"].startswith(reverse("login"))
    client.force_login(django_user_model.objects.create(username="nobody"))
    assert client.get(reverse("reporting:landing")).status_code == 403
