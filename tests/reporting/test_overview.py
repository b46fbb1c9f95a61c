from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Indicator

URL = reverse("reporting:overview")


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["clerk", "colleague", "outsider", "head", "leader"])
def test_every_role_reads_the_plan(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "营口市“十四五”节能减排目标跟踪平台" in page
    assert page.count('class="table-light task-row"') == 22
    assert "秸秆综合利用率" in page and "≥ 90%" in page
    assert "比2020年下降15.5%" in page


def test_tasks_show_their_lead_and_cooperating_departments(client, leader):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    section = page[page.index("四（一）") : page.index("四（二）")]
    assert "牵头： 市发改委（市能源局）" in section and "配合： 市统计局" in section
    section = page[page.index("三（九）") : page.index("三（十）")]
    assert "市工信局、市生态环境局" in section


def test_query_count_does_not_grow_with_the_catalogue(client, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(8):
        client.get(URL)
    for n in range(30):
        Indicator.objects.create(
            code=f"EXTRA_{n}", task_id=Indicator.objects.first().task_id, section="三（一）", name=f"额外{n}",
            kind="at_least", baseline_year=2020, target_year=2025, target_value=50, source_text="测试",
        )  # fmt: skip
    with django_assert_max_num_queries(8):
        client.get(URL)


def test_english_when_switched(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": URL}, follow=True)
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Yingkou 14th Five-Year Energy-Saving Target Tracker" in page
    assert "Energy consumption per unit of GDP" in page and "15.5% below 2020" in page
    assert "Yingkou 14th Five-Year Comprehensive Work Plan" in page
    assert "Lead: Municipal Development and Reform Commission (Municipal Energy Bureau), " in page


def test_demo_banner_only_when_demo_data_is_loaded(client, outsider):
    # outsider: load_demo resets the demo accounts (clerk, head, leader, ...), which logs them out.
    client.force_login(outsider)
    assert "演示数据" not in client.get(URL).content.decode()
    call_command("load_demo", allow_production=True, stdout=StringIO())
    assert "演示数据" in client.get(URL).content.decode()
    client.logout()
    assert "演示数据" in client.get(reverse("login")).content.decode()


def test_empty_database_says_how_to_load_the_plan(client, db, django_user_model):
    client.force_login(django_user_model.objects.create(username="early"))
    assert "load_plan" in client.get(URL).content.decode()


def test_chinese_by_default_even_for_an_english_browser(client, leader):
    client.force_login(leader)
    page = client.get(URL, headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="zh-hans"' in page and "单位地区生产总值能耗" in page


def test_an_unknown_language_is_ignored_and_the_page_stays_chinese(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "xx", "next": URL}, follow=True)
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_foreign_next_address_is_not_followed(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
