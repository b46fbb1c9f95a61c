"""Every URL x every role: the matrix of who may open what. Anything not allowed is 403."""

import pytest
from django.urls import reverse

from departments.models import Department, Region
from indicators.models import Upload

PERSONAS = ["clerk", "colleague", "outsider", "head", "reviewer", "region_clerk", "leader", "administrator"]
ENTERING = {"clerk", "colleague", "outsider", "head", "region_clerk"}
EVERYONE = set(PERSONAS)
ECOLOGY = {"clerk", "colleague", "head"}  # 市生态环境局
SEEING_ALL = {"reviewer", "leader", "administrator"}


def ecology():
    return Department.objects.get(name="市生态环境局").pk


def bayuquan():
    return Region.objects.get(name="鲅鱼圈区").pk


# (name, how to build the URL, method, the personas that get through)
MATRIX = [
    ("overview", lambda: reverse("reporting:overview"), "get", EVERYONE),
    ("entry grid", lambda: reverse("reporting:entry"), "get", ENTERING),
    # STEEL_ULE belongs to 市生态环境局 (clerk, colleague, head), not to 市住建局 (outsider).
    (
        "entry form",
        lambda: reverse("reporting:figure-entry", args=["STEEL_ULE", 2021]),
        "get",
        {"clerk", "colleague", "head"},
    ),
    (
        "region entry form",
        lambda: reverse("reporting:figure-entry-region", args=["COD", 2021, bayuquan()]),
        "get",
        {"region_clerk"},
    ),
    ("upload", lambda: reverse("reporting:upload"), "get", ENTERING),
    ("template", lambda: reverse("reporting:upload-template"), "get", ENTERING),
    ("review", lambda: reverse("reporting:review"), "get", {"head", "reviewer"}),
    ("completeness", lambda: reverse("reporting:completeness"), "get", EVERYONE),
    ("indicator", lambda: reverse("reporting:indicator", args=["STEEL_ULE"]), "get", EVERYONE),
    ("unlock", lambda: reverse("reporting:indicator-unlock", args=["STEEL_ULE"]), "post", {"administrator"}),
    # Posting (empty forms: refused as bad input by those allowed, 403 for everyone else).
    (
        "entry post",
        lambda: reverse("reporting:figure-entry", args=["STEEL_ULE", 2021]),
        "post",
        {"clerk", "colleague", "head"},
    ),
    ("upload post", lambda: reverse("reporting:upload"), "post", ENTERING),
    ("review post", lambda: reverse("reporting:review"), "post", {"head", "reviewer"}),
    # The dashboards: everyone reads the plan-wide pages; a unit's page is for its people and those who
    # see every unit; only a department's own clerks and head write its progress reports.
    ("landing", lambda: reverse("reporting:landing"), "get", EVERYONE),
    ("workbook", lambda: reverse("reporting:overview-xlsx"), "get", EVERYONE),
    ("freshness", lambda: reverse("reporting:freshness"), "get", EVERYONE),
    ("annual report", lambda: reverse("reporting:report"), "get", EVERYONE),
    ("recompute", lambda: reverse("reporting:recompute"), "post", {"administrator"}),
    ("department", lambda: reverse("reporting:department", args=[ecology()]), "get", ECOLOGY | SEEING_ALL),
    ("report post", lambda: reverse("reporting:report-save", args=[ecology()]), "post", ECOLOGY),
    ("region", lambda: reverse("reporting:region", args=[bayuquan()]), "get", {"region_clerk"} | SEEING_ALL),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "url", "method", "allowed"), MATRIX, ids=[row[0] for row in MATRIX])
def test_matrix(client, request, persona, name, url, method, allowed, region_clerk, reviewer):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url())
    if persona in allowed:
        assert response.status_code in (200, 302, 400), f"{persona} should open {name}"
    else:
        assert response.status_code == 403, f"{persona} must not open {name}"


def test_an_upload_is_seen_only_by_its_uploader(client, clerk, colleague, plan):
    upload = Upload.objects.create(user=clerk, filename="a.csv", data=b"indicator,year,value\n", size=21)
    url = reverse("reporting:upload-preview", args=[upload.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(clerk)
    assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize("name", ["reporting:entry", "reporting:review", "reporting:completeness", "reporting:upload"])
def test_anonymous_goes_to_login(client, plan, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_gets_403(client, plan):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    for name in ["reporting:completeness", "reporting:entry", "reporting:review"]:
        response = client.get(reverse(name))
        assert response.status_code == 403
