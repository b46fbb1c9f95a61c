"""A plan's pages under /plans/<slug>/: every plan page x persona x plan, as the rules of
permissions.can_read_plan say (a draft for administrators only; leaders, reviewers and administrators every
other plan; a department's people a plan with a task their department leads or shares; a region's people a
plan with an indicator broken down by region). Then the switcher, the old addresses, closed and draft plans,
and query counts that do not grow with the number of plans."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, Region
from indicators.models import Figure, Indicator, PendingRecompute, Plan, ProgressReport, Result
from indicators.plans import plan_load, plan_transition
from indicators.recompute import progress_recompute
from reporting.views import assessment as assessment_view
from tests.plans import SECOND, SLUG, synthetic

PERSONAS = ["clerk", "colleague", "outsider", "head", "region_clerk", "leader", "reviewer", "administrator"]
ECOLOGY = {"clerk", "colleague", "head"}  # 市生态环境局 (leads 三（一）, the second plan's task)
SEEING_ALL = {"leader", "reviewer", "administrator"}


def activate(plan):
    return plan_transition(plan=plan, to=Plan.Status.ACTIVE, reason="In use.", user=None)


@pytest.fixture
def second(plan, catalogue):
    """The second plan, as loaded: a draft."""
    return plan_load(catalogue=synthetic(catalogue))


@pytest.fixture
def assessed_day(monkeypatch):
    """The day the assessment pages see: the first plan's figures for 2025 are due (31 March 2026), the
    second plan's not."""
    monkeypatch.setattr(assessment_view, "timezone", SimpleNamespace(localdate=lambda: date(2026, 6, 1)))


def ecology():
    return Department.objects.get(name="市生态环境局").pk


def bayuquan():
    return Region.objects.get(name="鲅鱼圈区").pk


def code_of(slug):
    return Indicator.objects.filter(task__plan__slug=slug).order_by("position").values_list("code", flat=True)[0]


# (name, method, the URL's arguments after the slug, who gets through a plan they may see, assessed
# (opens only once the plan's target year's figures are due))
PAGES = [
    ("overview", "get", lambda slug: [], None, False),
    ("overview-xlsx", "get", lambda slug: [], None, False),
    ("report", "get", lambda slug: [], None, False),
    ("completeness", "get", lambda slug: [], None, False),
    ("freshness", "get", lambda slug: [], None, False),
    ("assessment", "get", lambda slug: [], None, True),
    ("assessment-xlsx", "get", lambda slug: [], None, True),
    ("department", "get", lambda slug: [ecology()], ECOLOGY | SEEING_ALL, False),
    # Empty forms: refused as bad input by those allowed, 403 for everyone else.
    ("report-save", "post", lambda slug: [ecology()], ECOLOGY, False),
    ("region", "get", lambda slug: [bayuquan()], {"region_clerk"} | SEEING_ALL, False),
    ("indicator", "get", lambda slug: [code_of(slug)], None, False),
    ("indicator-unlock", "post", lambda slug: [code_of(slug)], {"administrator"}, False),
]


def expected(persona, sees_plan, allowed, assessed, due):
    if not sees_plan or (allowed is not None and persona not in allowed):
        return {403}
    if assessed and not due:
        return {404}
    return {200, 302, 400}


def sees(state, persona):
    """Who sees the second plan in each state (the first, active, is seen by every persona)."""
    if state == "draft":
        return persona == "administrator"
    return persona not in {"outsider", "region_clerk"}  # 市住建局 has no task in it, nor a region a target


def check_every_page(client, slug, persona, sees_plan, due):
    for name, method, args, allowed, assessed in PAGES:
        url = reverse(f"reporting:{name}", args=[slug, *args(slug)])
        response = getattr(client, method)(url)
        wanted = expected(persona, sees_plan, allowed, assessed, due)
        assert response.status_code in wanted, f"{persona} on {url}: {response.status_code}, not {wanted}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client, request, persona, second, assessed_day):
    client.force_login(request.getfixturevalue(persona))
    check_every_page(client, SLUG, persona, sees_plan=True, due=True)
    check_every_page(client, SECOND, persona, sees_plan=sees("draft", persona), due=False)
    activate(second)
    check_every_page(client, SLUG, persona, sees_plan=True, due=True)
    check_every_page(client, SECOND, persona, sees_plan=sees("active", persona), due=False)


@pytest.mark.parametrize("persona", ["leader", "administrator"])
def test_an_unknown_plan_or_another_plans_indicator_is_not_found(client, request, persona, second):
    activate(second)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:overview", args=["no-such-plan"])).status_code == 404
    assert client.get(reverse("reporting:indicator", args=[SECOND, "STEEL_ULE"])).status_code == 404
    assert client.get(reverse("reporting:indicator", args=[SLUG, code_of(SECOND)])).status_code == 404


def test_anonymous_goes_to_login_even_for_an_unknown_plan(client, plan):
    for slug in (SLUG, "no-such-plan"):
        response = client.get(reverse("reporting:overview", args=[slug]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_region_sees_a_plan_once_it_has_a_target_broken_down_by_region(client, region_clerk, second):
    activate(second)
    client.force_login(region_clerk)
    url = reverse("reporting:overview", args=[SECOND])
    assert client.get(url).status_code == 403
    Indicator.objects.filter(task__plan=second).update(by_region=True)
    assert client.get(url).status_code == 200


# --- The switcher ------------------------------------------------------------------------------------


def switcher(page):
    """{slug: (address, current)} of the plan switcher's links."""
    menu = re.search(r'<details class="plan-switcher".*?</details>', page, re.S)
    if not menu:
        return {}
    links = re.findall(r'<a href="([^"]+)" class="plan-switcher-item( current)?" data-plan="([^"]+)"', menu.group(0))
    return {slug: (address, bool(current)) for address, current, slug in links}


def test_a_clerk_with_no_task_in_a_plan_gets_403_on_its_pages_and_does_not_see_it(client, outsider, second):
    activate(second)
    client.force_login(outsider)
    for name, method, args, _allowed, _assessed in PAGES:
        url = reverse(f"reporting:{name}", args=[SECOND, *args(SECOND)])
        assert getattr(client, method)(url).status_code == 403, url
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    assert set(switcher(page)) == {SLUG}
    assert not ProgressReport.objects.exists()


def test_the_switcher_lists_the_plans_one_may_see_with_their_state(client, clerk, administrator, second):
    client.force_login(administrator)
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    assert switcher(page) == {
        SLUG: (reverse("reporting:overview", args=[SLUG]), True),
        SECOND: (reverse("reporting:overview", args=[SECOND]), False),
    }
    menu = page[page.index('<details class="plan-switcher"') : page.index("</details>")]
    assert "执行中" in menu and "草稿" in menu  # each plan's state, in words (Active, Draft)
    client.force_login(clerk)
    assert set(switcher(client.get(reverse("reporting:overview", args=[SLUG])).content.decode())) == {SLUG}
    activate(second)
    assert set(switcher(client.get(reverse("reporting:overview", args=[SLUG])).content.decode())) == {SLUG, SECOND}


def test_switching_goes_to_the_same_page_in_the_other_plan(client, leader, second):
    activate(second)
    client.force_login(leader)
    department = reverse("reporting:department", args=[SLUG, ecology()])
    assert switcher(client.get(department).content.decode())[SECOND] == (
        reverse("reporting:department", args=[SECOND, ecology()]),
        False,
    )
    report = client.get(reverse("reporting:report", args=[SECOND])).content.decode()
    assert switcher(report) == {
        SLUG: (reverse("reporting:report", args=[SLUG]), False),
        SECOND: (reverse("reporting:report", args=[SECOND]), True),
    }
    # The other plan has no such indicator: its overview.
    indicator = client.get(reverse("reporting:indicator", args=[SLUG, "COD"])).content.decode()
    assert switcher(indicator)[SECOND][0] == reverse("reporting:overview", args=[SECOND])
    # Pages that are no plan's: each plan's overview, the current plan (the latest active) marked.
    entries = switcher(client.get(reverse("reporting:review")).content.decode())
    assert entries[SECOND] == (reverse("reporting:overview", args=[SECOND]), True)


def test_the_switcher_works_without_script(client, leader, second):
    """Plain links in a <details>: no script, and no form, to switch."""
    client.force_login(leader)
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    menu = page[page.index('<details class="plan-switcher"') : page.index("</details>")]
    assert "<summary" in menu and "<form" not in menu and "data-autosubmit" not in menu
    assert 'aria-current="true"' in menu


# --- "/" and the old addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "name", "args"),
    [
        ("/overview/?year=2021&status=red", "overview", []),
        ("/overview.xlsx?year=2021", "overview-xlsx", []),
        ("/report/?year=2022", "report", []),
        ("/completeness/?year=2023", "completeness", []),
        ("/assessment/", "assessment", []),
        ("/assessment.xlsx", "assessment-xlsx", []),
        ("/freshness/?waiting=3", "freshness", []),
        ("/indicators/COD/", "indicator", ["COD"]),
        ("/departments/{ecology}/?year=2021", "department", ["ecology"]),
        ("/regions/{bayuquan}/", "region", ["bayuquan"]),
    ],
)
def test_old_addresses_go_to_the_current_plans_page_with_their_query(client, leader, old, name, args):
    units = {"ecology": ecology(), "bayuquan": bayuquan()}
    old = old.format(**units)
    client.force_login(leader)
    response = client.get(old)
    query = old.partition("?")[2]
    new = reverse(f"reporting:{name}", args=[SLUG, *(units.get(a, a) for a in args)])
    assert response.status_code == 302
    assert response["Location"] == (f"{new}?{query}" if query else new)


def test_old_addresses_follow_the_latest_active_plan_one_may_see(client, leader, outsider, second):
    activate(second)
    client.force_login(leader)
    assert client.get("/overview/?year=2027")["Location"] == reverse("reporting:overview", args=[SECOND]) + "?year=2027"
    # An indicator only the first plan has: that plan's page.
    assert client.get("/indicators/COD/")["Location"] == reverse("reporting:indicator", args=[SLUG, "COD"])
    client.force_login(outsider)  # 市住建局 has no task in the second plan
    assert client.get("/overview/")["Location"] == reverse("reporting:overview", args=[SLUG])


def test_old_addresses_ask_anonymous_users_to_log_in(client, plan):
    response = client.get("/overview/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "where"),
    [
        ("leader", lambda: reverse("reporting:overview", args=[SECOND])),
        ("head", lambda: reverse("reporting:department", args=[SECOND, ecology()])),
        ("clerk", lambda: reverse("reporting:entry")),
        ("outsider", lambda: reverse("reporting:entry")),
    ],
)
def test_the_landing_page_is_in_the_latest_active_plan_one_may_see(client, request, persona, where, second):
    activate(second)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:landing"))["Location"] == where()


def test_with_no_plan_to_see_the_landing_page_says_so(client, plan, region_clerk, catalogue):
    plan_transition(plan=plan, to=Plan.Status.CLOSED, reason="Final assessment published.", user=None)
    activate(plan_load(catalogue=synthetic(catalogue)))  # active, but nothing in it for a region
    client.force_login(region_clerk)
    response = client.get(reverse("reporting:landing"))
    assert response.status_code == 200 and 'id="no-plan"' in response.content.decode()
    assert client.get("/overview/")["Location"] == reverse("reporting:landing")


# --- Closed, draft and illustrative plans ---------------------------------------------------------------


def test_a_closed_plan_is_read_only(client, plan, head, administrator):
    plan_transition(plan=plan, to=Plan.Status.CLOSED, reason="Final assessment published.", user=None)
    department = reverse("reporting:department", args=[SLUG, ecology()])
    client.force_login(head)
    page = client.get(department).content.decode()
    assert "plan-closed-banner" in page and 'class="report-form"' not in page
    task = plan.tasks.order_by("position").first()
    save = reverse("reporting:report-save", args=[SLUG, ecology()])
    assert client.post(save, {"task": task.pk, "year": 2021, "text": "已完成"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_closed_plans_figure_is_corrected_through_the_logged_unlock(client, plan, administrator):
    """The correction is logged; the published results stay, as a closed plan is not recomputed."""
    cod = Indicator.objects.get(plan=plan, code="COD")
    figure = Figure.objects.create(statistic=cod.statistic, year=2021, measure="amount", value=700, status="approved")
    progress_recompute()
    published = list(Result.objects.filter(indicator__plan=plan).values_list("pk", "status", "achieved"))
    plan_transition(plan=plan, to=Plan.Status.CLOSED, reason="Final assessment published.", user=None)
    client.force_login(administrator)
    unlock = reverse("reporting:indicator-unlock", args=[SLUG, "COD"])
    assert client.post(unlock, {"year": 2021, "region": "", "reason": "更正：统计口径调整"}).status_code == 302
    figure.refresh_from_db()
    assert (
        figure.status == "returned" and figure.history.first().history_change_reason == "unlocked: 更正：统计口径调整"
    )
    assert not PendingRecompute.objects.exists()
    assert list(Result.objects.filter(indicator__plan=plan).values_list("pk", "status", "achieved")) == published


def test_a_draft_says_only_administrators_see_it(client, administrator, second):
    client.force_login(administrator)
    assert "plan-draft-banner" in client.get(reverse("reporting:overview", args=[SECOND])).content.decode()
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    assert "plan-draft-banner" not in page and "plan-closed-banner" not in page


def test_the_illustrative_banner_is_the_illustrative_plans(client, leader, plan, catalogue):
    activate(plan_load(catalogue=synthetic(catalogue, fictional=True)))
    client.force_login(leader)
    assert "fictional-banner" in client.get(reverse("reporting:overview", args=[SECOND])).content.decode()
    assert "fictional-banner" not in client.get(reverse("reporting:overview", args=[SLUG])).content.decode()


def test_each_plan_has_its_own_overview(client, leader, plan, catalogue, settings):
    """The results part is cached per recompute run: and per plan, or a plan of the same years would show
    the other's."""
    from django.core.cache import cache

    from indicators.models import RecomputeRun

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "plans"}}
    cache.clear()
    activate(plan_load(catalogue=synthetic(catalogue, years=(2020, 2025))))
    RecomputeRun.objects.create(status="done", finished_at=timezone.now())
    client.force_login(leader)
    first = client.get(reverse("reporting:overview", args=[SLUG]) + "?year=2022").content.decode()
    other = client.get(reverse("reporting:overview", args=[SECOND]) + "?year=2022").content.decode()
    assert 'data-code="COD"' in first and 'data-code="COD"' not in other
    assert f'data-code="{code_of(SECOND)}"' in other
    cache.clear()


# --- Query counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["head", "leader"])
def test_query_counts_do_not_grow_with_the_number_of_plans(
    client, request, persona, catalogue, assessed_day, django_assert_max_num_queries
):
    """Each page of the first plan, with one plan loaded, then with four (three more, active)."""
    client.force_login(request.getfixturevalue(persona))
    gets = [page for page in PAGES if page[1] == "get" and (page[3] is None or persona in page[3])]
    urls = [reverse(f"reporting:{name}", args=[SLUG, *args(SLUG)]) for name, _method, args, *_ in gets]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured.captured_queries)
    for number in (1, 2, 3):
        activate(plan_load(catalogue=synthetic(catalogue, slug=f"more-{number}", number=number)))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_of_plans_and_the_check_of_one_agree(request, persona, second):
    from indicators import permissions

    user = request.getfixturevalue(persona)
    for state in ("draft", "active", "closed"):
        if state != "draft":
            second = plan_transition(plan=second, to=state, reason="Next.", user=None)
        for plan in Plan.objects.all():
            listed = permissions.readable_plans(user).filter(pk=plan.pk).exists()
            assert listed == permissions.can_read_plan(user, plan), (persona, plan.slug, state)
        assert permissions.can_read_plan(user, second) == (
            sees(state, persona) or state == "closed" and sees("active", persona)
        )
