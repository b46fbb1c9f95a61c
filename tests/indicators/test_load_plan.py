import pytest
from django.core.management import CommandError, call_command

from departments.models import Department, Region
from indicators.models import Indicator, Plan, Task, TaskResponsibility
from indicators.selectors import plan_export
from indicators.services import plan_load


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
    with pytest.raises(CommandError, match="Cannot read the catalogue"):
        call_command("load_plan", file=str(tmp_path / "missing.toml"))
    assert not Plan.objects.exists()
