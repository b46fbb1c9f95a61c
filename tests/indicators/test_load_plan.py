import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import translation

from departments.models import Department, Region
from indicators import kinds
from indicators.catalogue import CATALOGUE_PATH
from indicators.exports import plan_export
from indicators.models import Indicator, Plan, Task, TaskResponsibility
from indicators.plans import plan_load


def snapshot():
    models = (Plan, Department, Region, Task, TaskResponsibility, Indicator)
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in models}


def test_loads_the_whole_catalogue(plan):
    assert plan.document_number == "营政发〔2022〕18号"
    assert (plan.baseline_year, plan.target_year, str(plan.adopted_on)) == (2020, 2025, "2022-11-16")
    assert (Department.objects.count(), Region.objects.count()) == (32, 9)
    assert (Task.objects.count(), Indicator.objects.count()) == (22, 41)


def test_loading_twice_gives_the_same_database(plan, catalogue):
    before, export_before = snapshot(), plan_export()
    plan_load(catalogue=catalogue)
    assert snapshot() == before
    assert plan_export() == export_before


def test_reload_keeps_an_entered_baseline_and_restores_changed_catalogue_fields(plan, catalogue):
    Indicator.objects.filter(code="STRAW_USE").update(baseline_value=87.5, target_value=50)
    plan_load(catalogue=catalogue)
    straw = Indicator.objects.get(code="STRAW_USE")
    assert (straw.baseline_value, straw.target_value) == (pytest.approx(87.5), 90)


def test_reload_drops_a_responsibility_the_catalogue_no_longer_has(plan, catalogue):
    task = Task.objects.get(code="三（九）")
    TaskResponsibility.objects.create(task=task, department=Department.objects.get(name="市妇联"), role="lead")
    plan_load(catalogue=catalogue)
    assert [d.name for d in Task.objects.get(code="三（九）").lead_departments] == ["市工信局", "市生态环境局"]


def test_command_reports_what_it_loaded(db, capsys):
    call_command("load_plan")
    assert "22 tasks, 41 indicators" in capsys.readouterr().out


def test_command_refuses_a_missing_file_and_loads_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取方案目录文件"):  # the site speaks Chinese
        call_command("load_plan", file=str(tmp_path / "missing.toml"))
    assert not Plan.objects.exists()


# The shipped catalogue with two mistakes: a misspelt kind and an indicator code used twice.
BROKEN = (
    CATALOGUE_PATH.read_text(encoding="utf-8")
    .replace('kind = "at_least"', 'kind = "at_leest"', 1)
    .replace('code = "COD"', 'code = "EI_GDP"', 1)
)


def line_of(text, fragment, occurrence=1):
    """The line of the n-th occurrence of fragment."""
    at = -1
    for _ in range(occurrence):
        at = text.index(fragment, at + 1)
    return text[:at].count("\n") + 1


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def history_rows():
    return sum(model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical"))


def test_check_counts_a_good_file_and_writes_nothing(db, catalogue, capsys):
    with translation.override("en"):
        call_command("load_plan", str(CATALOGUE_PATH), check=True)
    counts = f"OK: {len(catalogue['indicators'])} indicators, {len(catalogue['tasks'])} tasks"
    assert capsys.readouterr().out.strip() == counts
    assert not Plan.objects.exists()


def test_check_lists_every_problem_with_file_line_and_field(db, broken):
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 problems") as raised:
        call_command("load_plan", "--check", str(broken), stderr=err)
    assert raised.value.returncode == 1
    code, kind = err.getvalue().splitlines()  # in line order
    kind_line, code_line = line_of(BROKEN, 'kind = "at_leest"'), line_of(BROKEN, 'code = "EI_GDP"', 2)
    assert kind.startswith(f"{broken}:{kind_line}: indicators[")
    assert kind.endswith("].kind: unknown kind at_leest; one of: " + ", ".join(kinds.MEASURES_BY_KIND))
    assert code == f"{broken}:{code_line}: indicators[2].code: EI_GDP is already used above"
    assert not Plan.objects.exists()


def test_check_exits_non_zero_from_the_command_line(broken, capsys):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "load_plan", "--check", str(broken)]).execute()
    assert exited.value.code == 1
    assert f"{broken}:" in capsys.readouterr().err


def test_a_file_with_problems_is_refused_whole(plan, broken):
    before, export_before, history_before = snapshot(), plan_export(), history_rows()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was loaded") as raised:
        call_command("load_plan", str(broken))
    assert "indicators[2].code: EI_GDP is already used above" in str(raised.value)
    assert (snapshot(), plan_export(), history_rows()) == (before, export_before, history_before)


def test_a_refused_file_leaves_an_empty_database_empty(db, broken):
    with pytest.raises(CommandError):
        call_command("load_plan", file=str(broken))
    assert not Plan.objects.exists() and not Indicator.objects.exists()


def test_loading_the_same_file_again_changes_nothing(db):
    call_command("load_plan", str(CATALOGUE_PATH), stdout=io.StringIO())
    first, history_before = io.StringIO(), history_rows()
    call_command("export_plan", stdout=first)
    call_command("load_plan", stdout=io.StringIO())
    second = io.StringIO()
    call_command("export_plan", stdout=second)
    assert json.loads(first.getvalue())["indicators"] and first.getvalue() == second.getvalue()
    assert history_rows() == history_before
