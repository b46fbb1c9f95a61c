"""Every URL x every role: the matrix of who may open what. Anything not allowed is 403."""

import pytest
from django.urls import reverse

from departments import roles
from departments.models import Department, Region
from indicators import permissions
from indicators.models import Figure, Indicator, Upload
from tests.factories import UserFactory
from tests.plans import SLUG

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
    ("overview", lambda: reverse("reporting:overview", args=[SLUG]), "get", EVERYONE),
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
    ("completeness", lambda: reverse("reporting:completeness", args=[SLUG]), "get", EVERYONE),
    ("indicator", lambda: reverse("reporting:indicator", args=[SLUG, "STEEL_ULE"]), "get", EVERYONE),
    ("unlock", lambda: reverse("reporting:indicator-unlock", args=[SLUG, "STEEL_ULE"]), "post", {"administrator"}),
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
    ("workbook", lambda: reverse("reporting:overview-xlsx", args=[SLUG]), "get", EVERYONE),
    ("freshness", lambda: reverse("reporting:freshness", args=[SLUG]), "get", EVERYONE),
    ("annual report", lambda: reverse("reporting:report", args=[SLUG]), "get", EVERYONE),
    ("recompute", lambda: reverse("reporting:recompute", args=[SLUG]), "post", {"administrator"}),
    ("department", lambda: reverse("reporting:department", args=[SLUG, ecology()]), "get", ECOLOGY | SEEING_ALL),
    ("report post", lambda: reverse("reporting:report-save", args=[SLUG, ecology()]), "post", ECOLOGY),
    ("region", lambda: reverse("reporting:region", args=[SLUG, bayuquan()]), "get", {"region_clerk"} | SEEING_ALL),
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


NOT_PLANS = ["reporting:entry", "reporting:review", "reporting:upload", "reporting:current-completeness"]


@pytest.mark.parametrize("url", [*NOT_PLANS, ("reporting:completeness", SLUG)])
def test_anonymous_goes_to_login(client, plan, url):
    name, *args = [url] if isinstance(url, str) else url
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_gets_403(client, plan):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    for url in [*(reverse(name) for name in NOT_PLANS), reverse("reporting:completeness", args=[SLUG])]:
        response = client.get(url)
        assert response.status_code == 403


# --- Who approves which submission -------------------------------------------------------------------
# A head approves what their own unit's people entered: a department's head its city-wide figures, a
# region's head that region's figures. The statistics reviewer approves every one; nobody their own.
# (indicator, measure, region name or None, who entered it, the personas that may approve it)
SUBMISSIONS = {
    # 市发改委 leads 四（一）, but a 鲅鱼圈区 clerk's figure is 鲅鱼圈区's head's to approve (the issue's case).
    "region clerk's EI_GDP": ("EI_GDP", "change_rate", "鲅鱼圈区", "region_clerk", {"region_head", "reviewer"}),
    # 市发改委 shares 三（五）: a 市生态环境局 clerk's figure on it is 市生态环境局's head's (the issue's case).
    "ecology clerk's STRAW_USE": ("STRAW_USE", "level", None, "clerk", {"head", "reviewer"}),
    "development head's own EI_GDP": ("EI_GDP", "change_rate", None, "development_head", {"reviewer"}),
    "ecology head's own STRAW_USE": ("STRAW_USE", "level", None, "head", {"reviewer"}),
    "housing clerk's STRAW_USE": ("STRAW_USE", "level", None, "outsider", {"reviewer"}),
}
APPROVERS = ["head", "development_head", "region_head", "reviewer", "clerk", "leader", "administrator"]


@pytest.fixture
def development_head(person):
    return person(roles.HEAD, "市发改委（市能源局）", username="development_head")


@pytest.fixture
def region_head(plan):
    return UserFactory(role=roles.HEAD, region=Region.objects.get(name="鲅鱼圈区"), username="region_head")


@pytest.mark.parametrize("approver", APPROVERS)
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=list(SUBMISSIONS))
def test_who_approves_which_submission(client, request, submission, approver, development_head, region_head):
    code, measure, region, author, allowed = SUBMISSIONS[submission]
    figure = Figure.objects.create(
        statistic=Indicator.objects.get(code=code).statistic,
        region=Region.objects.filter(name=region).first(),
        year=2025,
        measure=measure,
        value=-3,
        status="submitted",
        entered_by=request.getfixturevalue(author),
    )
    user = request.getfixturevalue(approver)
    assert (figure in permissions.reviewable_figures(user)) == (approver in allowed)
    client.force_login(user)
    ticked = [f"{figure.pk}:{figure.version}"]
    response = client.post(reverse("reporting:review"), {"action": "approve", "figures": ticked})
    figure.refresh_from_db()
    if approver in allowed:
        assert (response.status_code, figure.status) == (302, "approved"), f"{approver} should approve {submission}"
    else:
        assert (response.status_code, figure.status) == (403, "submitted"), f"{approver} must not approve {submission}"
