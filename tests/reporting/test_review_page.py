"""The review queue: heads and reviewers approve or return, with a reason; bad posts change nothing."""

import pytest
from django.urls import reverse

from indicators.models import Figure, Indicator

URL = reverse("reporting:review")


@pytest.fixture
def submitted(plan, clerk):
    steel = Indicator.objects.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2020, measure="level", value=40, status="approved")
    return [
        Figure.objects.create(
            statistic=steel.statistic,
            year=year,
            measure="level",
            value=value,
            status="submitted",
            entered_by=clerk,
            note="依据年报",
            flags=[
                {"code": "jump", "measure": "level", "params": {"change": "+50.0", "previous": "40", "threshold": "30"}}
            ]
            if year == 2021
            else [],
        )
        for year, value in [(2021, 60), (2022, 62)]
    ]


def ticked(*figures):
    """The boxes ticked on the page: each figure's id and the version the reviewer saw."""
    return [f"{f.pk}:{f.version}" for f in figures]


def test_queue_shows_values_last_year_flags_and_comment(client, head, submitted):
    client.force_login(head)
    page = client.get(URL).content.decode()
    assert page.count('name="figures"') == 2
    assert "依据年报" in page and "较上年 40 变动 +50.0%" in page


def test_approve_and_return(client, head, submitted, django_capture_on_commit_callbacks):
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"action": "approve", "figures": ticked(submitted[0])})
    assert response.status_code == 302
    response = client.post(URL, {"action": "return", "figures": ticked(submitted[1]), "reason": "请附佐证材料"})
    assert response.status_code == 302
    assert dict(Figure.objects.filter(year__gt=2020).values_list("year", "status")) == {
        2021: "approved",
        2022: "returned",
    }
    assert Figure.objects.get(year=2022).return_reason == "请附佐证材料"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "return", "reason": ""},  # a return needs a reason
        {"action": "approve", "figures": []},  # nothing ticked
        {"action": "approve", "figures": ["x:1"]},  # garbage
        {"action": "approve", "figures": ["²:1"]},  # "²".isdigit(), but no number
        {"action": "approve", "figures": ["1:²"]},
        {"action": "approve", "figures": ["١:1"]},  # an Arabic-Indic 1: int() would read it
        {"action": "approve", "figures": ["9" * 20 + ":1"]},  # past the database's integers
        {"action": "approve", "figures": ["1:" + "9" * 20]},
        {"action": "approve", "figures": ["1"]},  # no version
        {"action": "delete"},  # no such action
    ],
)
def test_bad_posts_change_nothing(client, head, submitted, data):
    client.force_login(head)
    data = {"figures": ticked(*submitted)} | data
    response = client.post(URL, data)
    assert response.status_code == 400
    assert set(Figure.objects.filter(year__gt=2020).values_list("status", flat=True)) == {"submitted"}


def test_a_stale_version_is_refused(client, head, submitted):
    client.force_login(head)
    response = client.post(URL, {"action": "approve", "figures": [f"{submitted[0].pk}:7"]}, follow=True)
    assert "已被修改" in response.content.decode()
    assert Figure.objects.get(pk=submitted[0].pk).status == "submitted"


def test_a_note_changed_after_the_page_was_opened_is_refused(client, head, submitted):
    client.force_login(head)
    client.cookies["django_language"] = "en"
    seen = ticked(submitted[0])  # the page as the head opened it
    submitted[0].note = "改为依据快报"
    submitted[0].save()
    response = client.post(URL, {"action": "approve", "figures": seen}, follow=True)
    assert "changed since you opened the page" in response.content.decode()
    assert Figure.objects.get(pk=submitted[0].pk).status == "submitted"


def test_another_departments_head_cannot_approve(client, person, submitted):
    client.force_login(person("head", "市住建局", username="other_head"))
    assert 'name="figures"' not in client.get(URL).content.decode()
    assert client.post(URL, {"action": "approve", "figures": ticked(*submitted)}).status_code == 403
    assert set(Figure.objects.filter(year__gt=2020).values_list("status", flat=True)) == {"submitted"}


def test_query_count_is_constant(client, reviewer, submitted, plan, django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        client.get(URL)
    for indicator in Indicator.objects.all()[:20]:
        Figure.objects.create(statistic=indicator.statistic, year=2023, measure="level", value=1, status="submitted")
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.content.decode().count('name="figures"') >= 20


def test_a_long_queue_is_paged_oldest_first(client, reviewer, plan):
    indicators = list(Indicator.objects.all()[:30])
    Figure.objects.bulk_create(
        Figure(statistic=i.statistic, year=year, measure="level", value=1, status="submitted")
        for i in indicators
        for year in range(2021, 2026)
    )
    client.force_login(reviewer)
    first = client.get(URL).content.decode()
    assert first.count('name="figures"') == 100 and "150 项数据待审核" in first
    assert client.get(URL, {"page": 2}).content.decode().count('name="figures"') == 50
    assert client.get(URL, {"page": "abc"}).content.decode().count('name="figures"') == 100
