"""progress_report_save: a department's written report on a task for a year, created then replaced, with
its history, refused when blank, too long, for a year the plan does not assess, or by the wrong person."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from departments import roles
from departments.models import Department
from indicators.models import ProgressReport, Task
from indicators.reports import MAX_LENGTH, progress_report_save

ECOLOGY = "市生态环境局"


@pytest.fixture
def ecology(plan):
    return Department.objects.get(name=ECOLOGY)


@pytest.fixture
def rural(plan):
    """三（五）: led by 市生态环境局, shared by 市住建局."""
    return Task.objects.get(code="三（五）")


@pytest.fixture
def energy(plan):
    """四（一）: 市生态环境局 neither leads nor shares it."""
    return Task.objects.get(code="四（一）")


def save(user, task, department, year=2021, text="进展顺利"):
    return progress_report_save(user=user, task=task, department=department, year=year, text=text)


def test_creates_then_replaces_one_report(head, clerk, rural, ecology):
    first = save(head, rural, ecology, text="第一稿")
    assert (first.task, first.department, first.year, first.text, first.updated_by) == (
        rural,
        ecology,
        2021,
        "第一稿",
        head,
    )
    second = save(clerk, rural, ecology, text="第二稿")
    assert second.pk == first.pk
    report = ProgressReport.objects.get()
    assert (report.text, report.updated_by) == ("第二稿", clerk)
    history = list(report.history.order_by("history_date"))
    assert [(h.history_type, h.history_user, h.text) for h in history] == [
        ("+", head, "第一稿"),
        ("~", clerk, "第二稿"),
    ]


def test_each_year_and_department_has_its_own_report(head, outsider, rural, ecology):
    housing = Department.objects.get(name="市住建局")
    save(head, rural, ecology, year=2021, text="生态2021")
    save(head, rural, ecology, year=2025, text="生态2025")
    save(outsider, rural, housing, year=2021, text="住建2021")
    assert set(ProgressReport.objects.values_list("department__name", "year", "text")) == {
        (ECOLOGY, 2021, "生态2021"),
        (ECOLOGY, 2025, "生态2025"),
        ("市住建局", 2021, "住建2021"),
    }


def test_whitespace_is_stripped(head, rural, ecology):
    assert save(head, rural, ecology, text="\n  已完成秸秆利用调查。 \t\n").text == "已完成秸秆利用调查。"
    assert ProgressReport.objects.get().text == "已完成秸秆利用调查。"


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None])
def test_a_blank_report_is_refused(head, rural, ecology, text):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        save(head, rural, ecology, text=text)
    assert refused.value.messages == ["Write what was done before saving."]
    assert not ProgressReport.objects.exists()


def test_a_blank_replacement_keeps_the_saved_report(head, rural, ecology):
    save(head, rural, ecology, text="已保存")
    with pytest.raises(ValidationError):
        save(head, rural, ecology, text="  ")
    report = ProgressReport.objects.get()
    assert report.text == "已保存" and report.history.count() == 1


def test_at_most_5000_characters(head, rural, ecology):
    assert MAX_LENGTH == 5000
    assert len(save(head, rural, ecology, text="字" * 5000).text) == 5000
    assert len(save(head, rural, ecology, text=" " + "字" * 5000 + " ").text) == 5000  # counted after stripping
    with pytest.raises(ValidationError) as refused:
        save(head, rural, ecology, text="字" * 5001)
    assert "5000" in refused.value.messages[0]
    assert len(ProgressReport.objects.get().text) == 5000


@pytest.mark.parametrize("year", [2019, 2020, 2026, 0])
def test_only_the_years_after_the_baseline_up_to_the_target(head, rural, ecology, year):
    with pytest.raises(ValidationError) as refused:
        save(head, rural, ecology, year=year)
    assert "2021" in refused.value.messages[0] and "2025" in refused.value.messages[0]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("year", [2021, 2025])
def test_the_first_and_last_assessed_years_are_accepted(head, rural, ecology, year):
    assert save(head, rural, ecology, year=year).year == year


@pytest.mark.parametrize("persona", ["leader", "reviewer", "administrator", "outsider", "region_clerk"])
def test_those_without_the_right_are_refused(request, rural, ecology, persona):
    with pytest.raises(PermissionDenied):
        save(request.getfixturevalue(persona), rural, ecology)
    assert not ProgressReport.objects.exists()


def test_permission_is_checked_before_the_input(leader, rural, ecology):
    """Someone without the right learns nothing about what would have been accepted."""
    with pytest.raises(PermissionDenied):
        save(leader, rural, ecology, year=1999, text="")


def test_a_task_the_department_neither_leads_nor_shares_is_refused(head, energy, ecology):
    assert not energy.responsibilities.filter(department=ecology).exists()
    with pytest.raises(PermissionDenied):
        save(head, energy, ecology)
    assert not ProgressReport.objects.exists()


def test_a_clerk_writes_for_their_own_department_only(person, rural, ecology):
    """A clerk of 市住建局 shares 三（五） but may not write 市生态环境局's report on it."""
    housing_head = person(roles.HEAD, "市住建局", username="housing_head")
    with pytest.raises(PermissionDenied):
        save(housing_head, rural, ecology)
    assert save(housing_head, rural, Department.objects.get(name="市住建局")).updated_by == housing_head


def test_a_clerk_without_a_department_is_refused(person, rural, ecology):
    with pytest.raises(PermissionDenied):
        save(person(roles.CLERK, username="nowhere"), rural, ecology)


def test_history_records_who_changed_it(head, colleague, rural, ecology):
    save(head, rural, ecology, text="一")
    save(colleague, rural, ecology, text="二")
    save(head, rural, ecology, text="三")
    report = ProgressReport.objects.get()
    assert [h.history_user.username for h in report.history.order_by("history_date")] == ["head", "colleague", "head"]
    assert report.history.latest().text == "三"
