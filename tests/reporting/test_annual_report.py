"""The annual assessment report: the counts of each light, the binding targets' paths as printable charts,
and every task with its indicators' lights and the departments' progress reports of the year."""

import re
from html import unescape

import pytest
from django.urls import reverse

from departments.models import Department
from indicators.models import Indicator, ProgressReport, Task
from indicators.recompute import progress_recompute
from tests.plans import SLUG
from tests.reporting.conftest import approve, plot

URL = reverse("reporting:report", args=[SLUG])
PERSONAS = ["clerk", "colleague", "outsider", "head", "reviewer", "region_clerk", "leader", "administrator"]
BINDING = ["EI_GDP", "COD", "NH3N", "NOX", "VOCS"]


def sections(page):
    """{task pk: the HTML of its report section}."""
    found = re.findall(
        r'<section class="report-section report-task" aria-labelledby="report-task-(\d+)">(.*?)</section>', page, re.S
    )
    return {int(pk): body for pk, body in found}


def lights_in(html):
    return re.findall(r'class="badge light light-(\w+)"', html)


def counts(page):
    """{status: count} of the header's tally."""
    header = re.search(r'<ul[^>]*id="report-counts">(.*?)</ul>', page, re.S).group(1)
    return {status: int(n) for status, n in re.findall(r"light-(\w+)\".*?<strong>(\d+)</strong>", header, re.S)}


def report(code, department, year, text):
    return ProgressReport.objects.create(
        task=Task.objects.get(code=code), department=Department.objects.get(name=department), year=year, text=text
    )


@pytest.fixture
def results(results):
    """The shared 2021 results (tests/reporting/conftest.py), and in 2022 COD another 700 t:
    1200 t = 34.56 % against 40 %: yellow. The other 37 indicators: grey."""
    approve("COD", 2022, "amount", 700)
    progress_recompute()


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_the_report(client, request, persona, plan):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert len(sections(response.content.decode())) == 22


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_gets_403(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create(username="nobody"))
    assert client.get(URL).status_code == 403


# --- Content -------------------------------------------------------------------------------------


def test_every_task_is_a_section_in_plan_order_with_its_leads(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    found = sections(page)
    tasks = list(Task.objects.order_by("position"))
    assert len(tasks) == 22
    assert list(found) == [task.pk for task in tasks]
    energy = found[Task.objects.get(code="四（一）").pk]
    assert "市发改委（市能源局）" in energy
    assert "单位地区生产总值能耗" in energy  # EI_GDP's row


def test_the_counts_match_the_rows(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    rows = [light for body in sections(page).values() for light in lights_in(body)]
    assert len(rows) == Indicator.objects.count() == 41
    tally = {status: rows.count(status) for status in ("red", "yellow", "green", "grey")}
    assert tally == {"red": 1, "yellow": 2, "green": 1, "grey": 37}
    assert counts(page) == tally


def test_each_indicator_row_carries_its_light(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    found = sections(page)
    by_task = {code: found[Indicator.objects.get(code=code).task_id] for code in ("STRAW_USE", "STEEL_ULE")}
    straw = re.search(r"<tr><td>秸秆综合利用率</td>.*?</tr>", by_task["STRAW_USE"], re.S).group(0)
    assert lights_in(straw) == ["green"] and "50.0% / 20.0%" in straw
    steel = re.search(r"<tr><td>钢铁产能超低排放改造比例</td>.*?</tr>", by_task["STEEL_ULE"], re.S).group(0)
    assert lights_in(steel) == ["red"]


def test_another_year_has_its_own_lights(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2022}).content.decode()
    assert counts(page) == {"red": 0, "yellow": 1, "green": 0, "grey": 40}  # COD only


def test_binding_targets_are_static_charts(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    binding = list(Indicator.objects.filter(binding=True).order_by("position").values_list("code", flat=True))
    assert binding == BINDING
    assert re.findall(r'id="chart-(\w+)"', page) == BINDING
    assert page.count('"staticPlot": true') == len(BINDING)
    for code in BINDING:
        _data, layout, config = plot(page, f"chart-{code}")
        assert config["staticPlot"] is True and config["responsive"] is False
        assert layout["width"] == 680  # an A4 page inside its margins
    data, _layout, _config = plot(page, "chart-EI_GDP")
    actual = data[0]
    assert actual["x"] == [2020, 2021]  # the path up to the report's year only
    assert actual["y"] == pytest.approx([0, 2.9])
    expected = data[1]
    assert expected["y"] == pytest.approx([0, 15.5 * (1 - 0.845**0.2) / 0.155])


def test_the_charts_stop_at_the_reports_year(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, {"year": 2023}).content.decode()
    data, _layout, _config = plot(page, "chart-COD")
    assert data[0]["x"] == [2020, 2021, 2022, 2023]
    assert data[0]["y"] == [0, 500, 1200, None]  # no 2023 figure: a gap, not a line


def test_progress_reports_of_the_year_appear_under_their_task(client, leader, results):
    report("三（五）", "市生态环境局", 2021, "秸秆综合利用稳步推进。")
    report("三（五）", "市住建局", 2021, "住建部门配合推进<script>x</script>")
    report("三（五）", "市生态环境局", 2022, "二〇二二年的报告")
    report("三（一）", "市生态环境局", 2021, "钢铁超低排放改造。")
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    found = sections(page)
    rural = found[Task.objects.get(code="三（五）").pk]
    texts = [unescape(t) for t in re.findall(r'<div class="report-text">(.*?)</div>', rural, re.S)]
    ecology, housing = Department.objects.get(name="市生态环境局"), Department.objects.get(name="市住建局")
    written = {ecology.position: "秸秆综合利用稳步推进。", housing.position: "住建部门配合推进<script>x</script>"}
    assert texts == [written[position] for position in sorted(written)]  # in the departments' order
    assert "<strong>市住建局</strong>" in rural and "<strong>市生态环境局</strong>" in rural
    assert "<script>x</script>" not in page  # escaped
    assert "二〇二二年的报告" not in page  # another year's
    industry = found[Task.objects.get(code="三（一）").pk]
    assert "钢铁超低排放改造。" in industry and "秸秆综合利用稳步推进。" not in industry
    assert page.count('<div class="report-text">') == 3
    # A task without a report says so.
    assert '<div class="report-text">' not in found[Task.objects.get(code="四（一）").pk]

    page = client.get(URL, {"year": 2022}).content.decode()
    assert "二〇二二年的报告" in sections(page)[Task.objects.get(code="三（五）").pk]
    assert "秸秆综合利用稳步推进。" not in page


# --- Query count and the year ---------------------------------------------------------------------


def test_query_count_is_constant(client, leader, results, django_assert_max_num_queries):
    client.force_login(leader)
    # 12, and 2 for the page's audit entry (the chain's last entry, the new one).
    with django_assert_max_num_queries(15) as first:  # 14, and the audit trail's lock on PostgreSQL
        client.get(URL, {"year": 2023})
    for n, code in enumerate(["NH3N", "NOX", "VOCS"]):
        for year in range(2021, 2026):
            approve(code, year, "amount", 5 + n)
    for year in range(2022, 2026):
        approve("EI_GDP", year, "change_rate", -3)
    for task in Task.objects.prefetch_related("responsibilities"):
        for responsibility in task.responsibilities.all():
            ProgressReport.objects.create(task=task, department=responsibility.department, year=2023, text="进展")
    progress_recompute()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(URL, {"year": 2023})
    page = response.content.decode()
    assert page.count('<div class="report-text">') == ProgressReport.objects.count() > 22
    assert sum(counts(page).values()) == 41


@pytest.mark.parametrize("year", ["abc", "1999", "2020", "2026", "<b>2021</b>"])
def test_a_bad_year_is_refused_and_the_default_year_shown(client, leader, results, year):
    client.force_login(leader)
    response = client.get(URL, {"year": year})
    assert response.status_code == 400
    page = response.content.decode()
    assert response.context["year"] == 2022  # the latest year with a result (COD)
    alert = re.search(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>', page, re.S).group(1)
    assert unescape(alert) == response.context["year_error"]
    assert year in unescape(alert) and "2022" in alert
    assert "<b>2021</b>" not in page
    assert len(sections(page)) == 22  # the report is still rendered
    assert counts(page) == {"red": 0, "yellow": 1, "green": 0, "grey": 40}
