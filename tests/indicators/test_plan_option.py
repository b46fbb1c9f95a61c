"""Commands name their plan with --plan SLUG; with one plan loaded it may be left out."""

import json

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Plan


@pytest.fixture
def second(plan):
    return Plan.objects.create(
        name="示例：下一期方案（虚构）",
        document_number="示例〔2026〕1号",
        slug="example-next",
        adopted_on=plan.adopted_on,
        baseline_year=2025,
        target_year=2030,
        fictional=True,
    )


COMMANDS = [["export_plan"], ["export_progress"], ["recompute", "--sync"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_with_one_plan_the_option_may_be_left_out(plan, command, capsys):
    call_command(*command)
    assert capsys.readouterr().out


@pytest.mark.parametrize("command", [["export_plan"], ["export_progress"]])  # recompute does every plan
def test_with_several_plans_an_export_asks_which(second, command):
    with pytest.raises(CommandError, match="yingkou-14th, example-next"):
        call_command(*command)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_plan_is_named_with_the_choices(plan, command):
    with pytest.raises(CommandError, match="Unknown plan nope. Plans loaded: yingkou-14th"):
        call_command(*command, "--plan", "nope")


def test_export_plan_exports_the_plan_named(second, capsys):
    call_command("export_plan", "--plan", "example-next")
    exported = json.loads(capsys.readouterr().out)
    assert (exported["plan"]["document_number"], exported["indicators"]) == ("示例〔2026〕1号", [])
    call_command("export_plan", "--plan", "yingkou-14th")
    assert len(json.loads(capsys.readouterr().out)["indicators"]) == 41


def test_import_figures_reads_the_plans_codes(second, tmp_path, capsys):
    path = tmp_path / "cod.csv"
    path.write_bytes(b"indicator,year,value\nCOD,2021,610\n")
    with pytest.raises(CommandError, match="problem"):
        call_command("import_figures", str(path), "--plan", "example-next")  # no COD in that plan
    call_command("import_figures", str(path), "--plan", "yingkou-14th")
    assert "1 new" in capsys.readouterr().out
