"""The department page: its tasks (led or shared) with their lights, the figures it still owes, the
submissions awaiting its approval, and its yearly progress reports, written by its clerks and head."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from departments.models import Department
from indicators.models import Figure, Indicator, ProgressReport, Task, TaskResponsibility
from indicators.recompute import progress_recompute
from tests.plans import SLUG

ECOLOGY = "市生态环境局"
HOUSING = "市住建局"


def page_url(name=ECOLOGY, **query):
    url = reverse("reporting:department", args=[SLUG, Department.objects.get(name=name).pk])
    return url + "".join(f"{'&' if i else '?'}{k}={v}" for i, (k, v) in enumerate(query.items()))


def save_url(name=ECOLOGY, year=2021):
    return reverse("reporting:report-save", args=[SLUG, Department.objects.get(name=name).pk]) + f"?year={year}"


def zh(message):
    """A message as the default (Chinese) interface shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def approve(code, year, value, measure="level", status="approved"):
    return Figure.objects.create(
        statistic=Indicator.objects.get(code=code).statistic, year=year, measure=measure, value=value, status=status
    )


def row(page, code):
    """The HTML of an indicator's row in the task tables."""
    match = re.search(rf'<tr data-code="{code}">.*?</tr>', page, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def table(page, table_id):
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    return match.group(0) if match else ""


def due_rows(page):
    """[(indicator name, year, late)] of the figures-due table."""
    return [
        (name, int(year), "table-danger" in attrs and zh("overdue") in rest)
        for attrs, name, year, rest in re.findall(
            r"<tr([^>]*)>\s*<td>([^<]+)</td><td>(\d{4})</td>(.*?)</tr>", table(page, "due-figures"), re.S
        )
    ]


def task_section(page, task):
    match = re.search(rf'<section class="card mb-3" id="task-{task.pk}".*?</section>', page, re.S)
    assert match, f"no section for {task.code}"
    return match.group(0)


def textarea(section):
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", section, re.S)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def straw(plan):
    """STRAW_USE (≥ 90 %, task 三（五）, led by 市生态环境局, shared by 市住建局): 80 → 85 in 2021 is
    (85-80)/(90-80) = 50 % of the way with 1/5 = 20 % expected: green."""
    approve("STRAW_USE", 2020, 80)
    approve("STRAW_USE", 2021, 85)
    progress_recompute()
    return Indicator.objects.get(code="STRAW_USE")


@pytest.fixture
def shared_task(plan):
    """三（五）: the task holding STRAW_USE; 市生态环境局 is responsible for it."""
    task = Task.objects.get(code="三（五）")
    assert task.responsibilities.filter(department__name=ECOLOGY).exists()
    return task


@pytest.fixture
def other_task(plan):
    """四（一） (energy intensity): 市生态环境局 neither leads nor shares it."""
    task = Task.objects.get(code="四（一）")
    assert not task.responsibilities.filter(department__name=ECOLOGY).exists()
    return task


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["head", "clerk", "colleague", "leader", "reviewer", "administrator"])
def test_its_people_and_those_who_see_every_unit_open_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page_url())
    assert response.status_code == 200
    assert f'<h1 class="h3 mb-1">{ECOLOGY}</h1>' in response.content.decode()


def test_another_department_gets_403_but_opens_its_own(client, outsider):
    client.force_login(outsider)
    assert client.get(page_url(ECOLOGY)).status_code == 403
    response = client.get(page_url(HOUSING))
    assert response.status_code == 200
    assert response.context["department"].name == HOUSING


def test_a_region_clerk_gets_403(client, region_clerk):
    client.force_login(region_clerk)
    assert client.get(page_url()).status_code == 403


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(page_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_department_is_not_found(client, leader):
    client.force_login(leader)
    assert client.get(reverse("reporting:department", args=[SLUG, 999999])).status_code == 404


# --- Tasks and lights ------------------------------------------------------------------------------


def test_tasks_it_leads_with_their_lights(client, head, straw):
    client.force_login(head)
    page = client.get(page_url(year=2021)).content.decode()
    ecology = Department.objects.get(name=ECOLOGY)
    tasks = Task.objects.filter(responsibilities__department=ecology)
    assert page.count('<section class="card mb-3" id="task-') == tasks.count() == 20
    assert page.count(f">{zh('Leads')}</span>") == 20  # 市生态环境局 leads all twenty
    assert "light-green" in row(page, "STRAW_USE")
    assert "50.0%" in row(page, "STRAW_USE") and "20.0%" in row(page, "STRAW_USE")  # achieved, expected
    assert "light-grey" in row(page, "STEEL_ULE")  # no figure
    assert 'data-code="EI_GDP"' not in page  # 四（一） is not its task


def test_tasks_it_shares_are_marked_as_shared(client, outsider, straw):
    client.force_login(outsider)
    page = client.get(page_url(HOUSING, year=2021)).content.decode()
    housing = Department.objects.get(name=HOUSING)
    roles = dict(TaskResponsibility.objects.filter(department=housing).values_list("task__code", "role"))
    assert (roles["三（五）"], roles["三（七）"]) == ("cooperating", "cooperating")
    assert page.count('<section class="card mb-3" id="task-') == len(roles) == 10
    assert page.count(f">{zh('Shares')}</span>") == 2
    assert page.count(f">{zh('Leads')}</span>") == 8
    section = task_section(page, Task.objects.get(code="三（五）"))
    assert f">{zh('Shares')}</span>" in section and "light-green" in row(section, "STRAW_USE")


def test_another_year_shows_that_years_lights(client, head, straw):
    client.force_login(head)
    page = client.get(page_url(year=2022)).content.decode()
    assert "light-grey" in row(page, "STRAW_USE")  # no 2022 figure


def test_the_page_is_in_chinese(client, head, straw):
    client.force_login(head)
    page = client.get(page_url(year=2021)).content.decode()
    for english in ("Leads", "overdue", "Figures due from this department", "awaiting approval", "Save report"):
        assert english not in page, english
    assert "牵头" in page and "已逾期" in page


# --- Figures due and submissions awaiting approval ----------------------------------------------------


def test_figures_due_are_listed_overdue_until_submitted(client, clerk, head):
    """市生态环境局 leads 38 indicators: 12 counted from zero (milestones, cumulative totals) owe 2021-2025,
    the 26 measured against a baseline figure not in the plan also owe 2020: 12 x 5 + 26 x 6 = 216, all
    past their 31 March deadline by now."""
    client.force_login(head)
    response = client.get(page_url())
    page = response.content.decode()
    assert (response.context["due_count"], response.context["overdue_count"]) == (216, 216)
    assert "216" in re.search(r'id="due-heading">.*?</h2>', page, re.S).group(0)
    due = due_rows(page)
    assert len(due) == 15  # the most urgent only
    assert ("钢铁产能超低排放改造比例", 2020, True) in due  # STEEL_ULE, first in the plan

    draft = approve("STEEL_ULE", 2020, 60, status="draft")  # still owed
    assert ("钢铁产能超低排放改造比例", 2020, True) in due_rows(client.get(page_url()).content.decode())
    draft.status = "submitted"
    draft.save()
    response = client.get(page_url())
    assert ("钢铁产能超低排放改造比例", 2020, True) not in due_rows(response.content.decode())
    assert (response.context["due_count"], response.context["overdue_count"]) == (215, 215)


def test_shared_tasks_owe_no_figures(client, outsider):
    """市住建局 shares 三（五）: its STRAW_USE figures are owed by the lead, 市生态环境局."""
    client.force_login(outsider)
    response = client.get(page_url(HOUSING))
    assert all(item["indicator"].code != "STRAW_USE" for item in response.context["due"])
    assert "秸秆综合利用率" not in table(response.content.decode(), "due-figures")


def test_submissions_awaiting_approval(client, head, clerk, outsider):
    client.force_login(head)
    page = client.get(page_url()).content.decode()
    assert 'id="awaiting"' not in page
    figure = approve("STRAW_USE", 2021, 85, status="submitted")
    figure.entered_by = clerk
    figure.save()
    approve("PARK_CIRCULAR", 2021, 40, status="draft")  # not submitted: not waiting
    response = client.get(page_url())
    page = response.content.decode()
    assert response.context["awaiting_count"] == 1
    assert re.search(r'id="awaiting-heading">1(?!\d)', page)
    awaiting = table(page, "awaiting")
    assert "秸秆综合利用率" in awaiting and "<td>2021</td>" in awaiting and ">85<" in awaiting
    assert "<td>clerk</td>" in awaiting
    # 市住建局 shares 三（五）, but 市生态环境局's clerk entered the figure: its own head approves it, as in
    # the review queue; 市住建局's clerk's submission on that task waits on 市住建局's page.
    client.force_login(outsider)
    assert client.get(page_url(HOUSING)).context["awaiting_count"] == 0
    theirs = approve("STRAW_USE", 2022, 86, status="submitted")
    theirs.entered_by = outsider
    theirs.save()
    approve("EI_GDP", 2021, -3, measure="change_rate", status="submitted")  # nobody's: the reviewer's
    assert [f.pk for f in client.get(page_url(HOUSING)).context["awaiting"]] == [theirs.pk]
    client.force_login(head)
    assert client.get(page_url()).context["awaiting_count"] == 1


# --- Progress reports --------------------------------------------------------------------------------


def post_report(client, task, text, year=2021, name=ECOLOGY, query_year=2021):
    return client.post(save_url(name, query_year), {"task": task.pk, "year": year, "text": text})


def test_head_writes_a_report_read_by_the_leader(client, head, leader, shared_task):
    client.force_login(head)
    response = post_report(client, shared_task, "  秸秆还田面积扩大，综合利用率达85%。 ")
    assert response.status_code == 302
    assert response["Location"] == page_url(year=2021) + f"#task-{shared_task.pk}"
    report = ProgressReport.objects.get()
    assert (report.task, report.department.name, report.year) == (shared_task, ECOLOGY, 2021)
    assert (report.text, report.updated_by) == ("秸秆还田面积扩大，综合利用率达85%。", head)
    assert [(h.history_user, h.history_type) for h in report.history.all()] == [(head, "+")]

    page = client.get(response["Location"]).content.decode()
    section = task_section(page, shared_task)
    assert textarea(section) == "秸秆还田面积扩大，综合利用率达85%。"
    assert re.search(r'<span class="small text-body-secondary">[^<]*head[^<]*</span>', section)  # last saved by

    client.force_login(leader)
    page = client.get(page_url(year=2021)).content.decode()
    section = task_section(page, shared_task)
    assert "report-form" not in page and "<textarea" not in page  # read-only
    assert '<div class="report-text">秸秆还田面积扩大，综合利用率达85%。</div>' in section
    # Another year has no report.
    assert "秸秆还田面积" not in client.get(page_url(year=2022)).content.decode()


def test_a_clerk_may_write_too_and_saving_again_replaces_the_text(client, head, clerk, shared_task):
    client.force_login(head)
    assert post_report(client, shared_task, "第一稿").status_code == 302
    client.force_login(clerk)
    assert post_report(client, shared_task, "第二稿").status_code == 302
    report = ProgressReport.objects.get()
    assert (report.text, report.updated_by) == ("第二稿", clerk)
    assert [h.history_user for h in report.history.order_by("history_date")] == [head, clerk]
    assert [h.text for h in report.history.order_by("history_date")] == ["第一稿", "第二稿"]
    page = client.get(page_url(year=2021)).content.decode()
    assert textarea(task_section(page, shared_task)) == "第二稿"


def test_reports_of_the_year_saved_are_kept_apart(client, head, shared_task):
    client.force_login(head)
    post_report(client, shared_task, "2021年进展", year=2021)
    post_report(client, shared_task, "2022年进展", year=2022, query_year=2022)
    assert dict(ProgressReport.objects.values_list("year", "text")) == {2021: "2021年进展", 2022: "2022年进展"}
    page = client.get(page_url(year=2022)).content.decode()
    assert textarea(task_section(page, shared_task)) == "2022年进展"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_report_is_refused(client, head, shared_task, text):
    client.force_login(head)
    response = post_report(client, shared_task, text)
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    section = task_section(response.content.decode(), shared_task)
    assert "is-invalid" in section
    with translation.override("zh-hans"):
        required = str(translation.gettext("Write what was done before saving."))
    assert required in re.search(r'<div class="invalid-feedback">(.*?)</div>', section, re.S).group(1)


def test_a_too_long_report_is_refused_and_shown_again(client, head, shared_task):
    client.force_login(head)
    text = "节" * 4992 + "<b>末尾</b>"  # 5001 characters, with markup that must stay text
    assert len(text) == 5001
    response = post_report(client, shared_task, text)
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    page = response.content.decode()
    section = task_section(page, shared_task)
    assert textarea(section) == text  # nothing typed is lost
    assert "<b>末尾</b>" not in page and "&lt;b&gt;末尾&lt;/b&gt;" in section
    assert "is-invalid" in section and "5000" in section
    # Exactly 5000 is fine.
    assert post_report(client, shared_task, text[:5000]).status_code == 302
    assert len(ProgressReport.objects.get().text) == 5000


@pytest.mark.parametrize("text", ["", "字" * 5001])
def test_a_refused_report_says_why_without_the_forms_field_names(client, head, shared_task, text):
    client.force_login(head)
    response = post_report(client, shared_task, text)
    assert response.status_code == 400
    section = task_section(response.content.decode(), shared_task)
    feedback = unescape(re.search(r'<div class="invalid-feedback">(.*?)</div>', section, re.S).group(1)).strip()
    assert feedback and not feedback.startswith("*") and "text" not in feedback


@pytest.mark.parametrize("year", [2020, 2026, 1999])
def test_a_year_outside_the_plan_is_refused(client, head, shared_task, year):
    client.force_login(head)
    response = post_report(client, shared_task, "进展", year=year)
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    section = task_section(response.content.decode(), shared_task)
    assert "2021" in section and "2025" in section and "is-invalid" in section
    assert textarea(section) == "进展"


@pytest.mark.parametrize("data", [{"year": 2021, "text": "x"}, {"task": "abc", "year": 2021, "text": "x"}])
def test_a_missing_task_is_refused(client, head, data):
    client.force_login(head)
    response = client.post(save_url(), data)
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()


def test_an_unknown_task_is_not_found(client, head):
    client.force_login(head)
    response = client.post(save_url(), {"task": 999999, "year": 2021, "text": "x"})
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_a_task_the_department_does_not_share_is_forbidden(client, head, other_task):
    client.force_login(head)
    assert post_report(client, other_task, "不是本部门的任务").status_code == 403
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "reviewer", "administrator", "outsider", "region_clerk"])
def test_others_may_not_write_its_reports(client, request, persona, shared_task):
    client.force_login(request.getfixturevalue(persona))
    assert post_report(client, shared_task, "越权").status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_report_needs_the_csrf_token(head, shared_task):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    assert post_report(client, shared_task, "无令牌").status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_report_is_written_only_by_post(client, head, plan):
    client.force_login(head)
    assert client.get(save_url()).status_code == 405


def test_anonymous_may_not_write(client, shared_task):
    response = post_report(client, shared_task, "匿名")
    assert response.status_code in (302, 403)
    assert not ProgressReport.objects.exists()


def test_outsider_writes_on_a_task_it_shares_on_its_own_page(client, outsider, shared_task):
    client.force_login(outsider)
    assert post_report(client, shared_task, "住建局配合推进", name=HOUSING).status_code == 302
    report = ProgressReport.objects.get()
    assert (report.department.name, report.updated_by) == (HOUSING, outsider)
    assert textarea(task_section(client.get(page_url(HOUSING, year=2021)).content.decode(), shared_task)) == (
        "住建局配合推进"
    )


def test_a_department_page_shows_only_its_own_reports(client, head, outsider, leader, shared_task):
    client.force_login(outsider)
    post_report(client, shared_task, "住建局配合推进", name=HOUSING)
    client.force_login(leader)
    assert "住建局配合推进" not in client.get(page_url(ECOLOGY, year=2021)).content.decode()


# --- Query count and the year ---------------------------------------------------------------------


def test_query_count_is_constant(client, head, clerk, shared_task, django_assert_max_num_queries):
    client.force_login(head)
    url = page_url(year=2021)
    # (a head: whether the department has a task in the plan of the address is one query more)
    with django_assert_max_num_queries(17) as first:
        client.get(url)
    codes = list(
        Indicator.objects.filter(task__responsibilities__department__name=ECOLOGY, kind="at_least").values_list(
            "code", flat=True
        )[:10]
    )
    assert len(codes) == 10
    for code in codes:
        approve(code, 2020, 50)
        approve(code, 2021, 55)
        Figure.objects.filter(pk=approve(code, 2022, 60, status="submitted").pk).update(entered_by=clerk)
    progress_recompute()
    for task in Task.objects.filter(responsibilities__department__name=ECOLOGY):
        ProgressReport.objects.create(
            task=task, department=Department.objects.get(name=ECOLOGY), year=2021, text="进展", updated_by=clerk
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.context["awaiting_count"] == 10
    assert response.content.decode().count('<div class="report-text">') == 0  # the head gets the form
    assert response.content.decode().count(">进展</textarea>") == 20


@pytest.mark.parametrize("year", ["abc", "1999", "2020", "2026", "<b>2021</b>"])
def test_a_bad_year_is_refused_and_the_default_year_shown(client, leader, straw, year):
    client.force_login(leader)
    response = client.get(page_url(), {"year": year})
    assert response.status_code == 400
    page = response.content.decode()
    assert response.context["year"] == 2021  # the latest year with results
    alert = re.search(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>', page, re.S).group(1)
    assert unescape(alert) == response.context["year_error"]
    assert year in unescape(alert) and "2021" in alert
    assert "<b>2021</b>" not in page  # the year asked for is escaped
    assert "light-green" in row(page, "STRAW_USE")  # the page is still rendered
