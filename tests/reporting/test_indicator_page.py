"""The indicator page: figures with status, the change history, and the administrator's unlock."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators import entry
from indicators.models import Figure, Indicator
from indicators.recompute import progress_recompute
from tests.plans import SLUG

URL = reverse("reporting:indicator", args=[SLUG, "STEEL_ULE"])
UNLOCK = reverse("reporting:indicator-unlock", args=[SLUG, "STEEL_ULE"])


@pytest.fixture
def approved(plan, clerk, head):
    steel = Indicator.objects.select_related("task__plan").get(code="STEEL_ULE")
    entry.figures_enter(
        user=clerk,
        indicator=steel,
        region=None,
        year=2021,
        stage="final",
        values={"level": D(40)},
        note="",
        submit=False,
    )
    (figure,) = entry.figures_enter(
        user=clerk,
        indicator=steel,
        region=None,
        year=2021,
        stage="final",
        values={"level": D(42)},
        note="",
        submit=True,
    )
    entry.figures_review(user=head, versions={figure.pk: figure.version}, approve=True)
    return figure


def test_history_shows_who_old_new_and_why(client, leader, approved):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    assert "40 → 42" in page and "draft saved" in page and "approved" in page
    assert "解锁" not in page  # only administrators see the unlock form


def test_administrator_unlocks_with_a_reason(client, administrator, approved):
    client.force_login(administrator)
    assert "解锁已审核年度" in client.get(URL).content.decode()
    response = client.post(UNLOCK, {"year": 2021, "region": "", "reason": "统计局更正"}, follow=True)
    assert "已解锁" in response.content.decode()
    approved.refresh_from_db()
    assert (approved.status, approved.return_reason) == ("returned", "统计局更正")
    assert "unlocked: 统计局更正" in response.content.decode()


@pytest.mark.parametrize(
    "data", [{"year": 2021, "reason": ""}, {"year": "x", "reason": "r"}, {"year": 2022, "reason": "nothing approved"}]
)
def test_bad_unlocks_change_nothing(client, administrator, approved, data):
    client.force_login(administrator)
    response = client.post(UNLOCK, data, follow=True)
    assert response.status_code == 200
    assert Figure.objects.get().status == "approved"


def test_unknown_indicator_is_not_found(client, leader, plan):
    client.force_login(leader)
    assert client.get(reverse("reporting:indicator", args=[SLUG, "NOPE"])).status_code == 404


def test_query_count_is_constant(client, leader, approved, django_assert_max_num_queries):
    # session, user, role, the plan of the address, indicator, departments, figures, history, results,
    # 2 recompute runs, the plans of the switcher
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        client.get(URL)
    steel = Indicator.objects.get(code="STEEL_ULE")
    for year in range(2022, 2026):
        Figure.objects.create(statistic=steel.statistic, year=year, measure="level", value=50, status="approved")
    progress_recompute()  # results, and the recompute run records, grow too
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_chart_draws_the_path_and_each_regions_share(client, leader, plan):
    from departments.models import Region
    from tests.reporting.conftest import approve, plot

    bayuquan = Region.objects.get(name="鲅鱼圈区")
    approve("COD", 2021, "amount", 120, region=bayuquan)
    approve("COD", 2022, "amount", 80, region=bayuquan)
    progress_recompute()
    client.force_login(leader)
    data, _layout, _config = plot(
        client.get(reverse("reporting:indicator", args=[SLUG, "COD"])).content.decode(), "indicator-chart"
    )
    lines = {trace["name"]: trace for trace in data}
    # The city is the regions' sum: 120 t, then 200 t; expected 3472 t x 1/5, x 2/5.
    assert lines["实际"]["y"][:3] == [0, 120, 200]
    assert lines["序时进度"]["y"][:3] == [0, pytest.approx(694.4), pytest.approx(1388.8)]
    # 鲅鱼圈区's tonnes are drawn though the plan does not judge a region's share.
    assert lines["鲅鱼圈区"]["y"][:3] == [None, 120, 200]
