"""progress_recompute: approved figures in, stored results out, the same rows every time."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from departments.models import Region
from indicators import figures, recompute
from indicators.models import Figure, Indicator, Result


@pytest.fixture
def cod(plan):
    return Indicator.objects.get(code="COD")


@pytest.fixture
def region(plan):
    return Region.objects.get(name="鲅鱼圈区")


def approved(indicator, year, value, *, region=None, measure=None, stage=Figure.Stage.FINAL, status="approved"):
    return Figure.objects.create(
        statistic=indicator.statistic,
        region=region,
        year=year,
        value=Decimal(str(value)),
        measure=measure or Figure.Measure.AMOUNT,
        stage=stage,
        status=status,
    )


def rows(**filters):
    return list(
        Result.objects.filter(**filters)
        .order_by("indicator_id", "region_id", "year")
        .values_list("indicator__code", "region__name", "year", "status", "rule", "achieved", "required_per_year")
    )


def test_every_indicator_gets_a_city_result_per_year(plan):
    written = recompute.progress_recompute()
    assert written == Indicator.objects.count() * 5 == Result.objects.count()
    assert set(Result.objects.values_list("status", flat=True)) == {"grey"}


def test_only_approved_figures_count(cod):
    approved(cod, 2021, 700)
    approved(cod, 2022, 800, status=Figure.Status.SUBMITTED)
    recompute.progress_recompute(indicator_ids=[cod.pk])
    statuses = dict(Result.objects.filter(indicator=cod, region=None).values_list("year", "rule"))
    assert statuses[2021] == "on_schedule"  # 700 / 3472 = 0.2016 >= 0.2
    assert statuses[2022] == "no_data"


def test_recomputing_twice_gives_the_same_rows(cod, region):
    approved(cod, 2021, 700)
    approved(cod, 2021, 300, region=region)
    recompute.progress_recompute()
    first = rows()
    recompute.progress_recompute()
    recompute.progress_recompute(indicator_ids=[cod.pk])
    assert rows() == first
    assert Result.objects.count() == Indicator.objects.count() * 5 + 5  # one region series


def test_city_total_sums_regions_and_region_gets_its_own_results(cod, region):
    other = Region.objects.get(name="大石桥市")
    approved(cod, 2021, 300, region=region)
    approved(cod, 2021, 400, region=other)
    recompute.progress_recompute(indicator_ids=[cod.pk])
    city = Result.objects.get(indicator=cod, region=None, year=2021)
    assert (city.value, city.source) == (700, "region_sum")
    assert Result.objects.get(indicator=cod, region=region, year=2021).value == 300


def test_final_supersedes_preliminary(plan):
    ei = Indicator.objects.get(code="EI_GDP")
    approved(ei, 2021, -2.0, measure="change_rate", stage=Figure.Stage.PRELIMINARY)
    recompute.progress_recompute(indicator_ids=[ei.pk])
    assert Result.objects.get(indicator=ei, region=None, year=2021).status == "yellow"  # 0.129 < 0.2137
    approved(ei, 2021, -3.5, measure="change_rate", stage=Figure.Stage.FINAL)
    recompute.progress_recompute(indicator_ids=[ei.pk])
    result = Result.objects.get(indicator=ei, region=None, year=2021)
    assert (result.status, round(result.achieved, 6)) == ("green", 0.225806)


def test_energy_components_are_stored_as_inputs(plan):
    ei = Indicator.objects.get(code="EI_GDP")
    for year, measure, value in [
        (2020, "energy_total", 1000),
        (2020, "energy_feedstock", 100),
        (2020, "gdp", 1000),
        (2022, "energy_total", 1020),
        (2022, "energy_feedstock", 150),
        (2022, "gdp", 1100),
        (2022, "renewable_new", 30),
    ]:
        approved(ei, year, value, measure=measure)
    recompute.progress_recompute(indicator_ids=[ei.pk])
    result = Result.objects.get(indicator=ei, region=None, year=2022)
    assert result.source == "components"
    assert round(result.value, 4) == 12.1212  # 1 - (870 / 1100) / 0.9
    assert result.inputs == {
        "energy_total": 1020,
        "energy_feedstock": 150,
        "gdp": 1100,
        "renewable_new": 30,
        "energy_assessed": 840,
    }


def test_plan_threshold_and_indicator_override(cod):
    approved(cod, 2021, 600)  # a = 0.1728 < e = 0.2
    cod.task.plan.green_ratio = Decimal("0.8")  # 0.1728 >= 0.16
    cod.task.plan.save()
    recompute.progress_recompute(indicator_ids=[cod.pk])
    assert Result.objects.get(indicator=cod, region=None, year=2021).status == "green"
    cod.green_ratio = Decimal("0.9")  # 0.1728 < 0.18
    cod.save()
    recompute.progress_recompute(indicator_ids=[cod.pk])
    assert Result.objects.get(indicator=cod, region=None, year=2021).status == "yellow"


def test_trajectory_on_the_indicator(plan):
    ei = Indicator.objects.get(code="EI_GDP")
    ei.trajectory = {"2021": 2.5}
    ei.save()
    approved(ei, 2021, -2.9, measure="change_rate")
    recompute.progress_recompute(indicator_ids=[ei.pk])
    result = Result.objects.get(indicator=ei, region=None, year=2021)
    assert (round(result.expected, 6), result.status) == (0.16129, "green")  # 2.5 / 15.5


def test_approving_through_the_import_recomputes_on_commit(cod, django_capture_on_commit_callbacks, tmp_path):
    data = b"indicator,region,year,value\nCOD,,2021,700\n"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        figures.figures_import(data=data, filename="cod.csv", approve=True)
    assert len(callbacks) == 1
    assert Result.objects.get(indicator=cod, region=None, year=2021).rule == "on_schedule"


def test_a_submitted_import_does_not_recompute(cod, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        figures.figures_import(data=b"indicator,year,value\nCOD,2021,700\n", filename="cod.csv")
    assert callbacks == []


def test_export_progress_prints_the_contract(cod, capsys):
    approved(cod, 2021, 700)
    recompute.progress_recompute(indicator_ids=[cod.pk])
    call_command("export_progress", indicator="COD")
    exported = json.loads(capsys.readouterr().out)
    assert [row["year"] for row in exported] == [2021, 2022, 2023, 2024, 2025]
    first = exported[0]
    assert set(first) == {
        "indicator",
        "region",
        "year",
        "achieved",
        "expected",
        "status",
        "required_per_year",
        "projected",
        "explanation",
    }
    assert (first["indicator"], first["region"], first["status"]) == ("COD", "", "green")
    assert first["achieved"] == pytest.approx(700 / 3472)
    assert first["required_per_year"] == pytest.approx((3472 - 700) / 4)
    assert first["explanation"]["rule"] == "on_schedule"
    assert exported[1]["status"] == "grey"


def test_export_progress_writes_the_sites_language_whatever_the_caller_activated(cod, capsys):
    approved(cod, 2021, 700)
    recompute.progress_recompute(indicator_ids=[cod.pk])
    with translation.override("en"):
        call_command("export_progress", indicator="COD")
    text = json.loads(capsys.readouterr().out)[0]["explanation"]["text"]
    assert "进度" in text or "完成" in text, text


def test_recompute_command(cod, capsys):
    approved(cod, 2021, 700)
    call_command("recompute", indicator="COD", sync=True)
    assert "5 results" in capsys.readouterr().out
    call_command("recompute")  # queued: eager here
    assert Result.objects.filter(status="grey").count() == Result.objects.count() - 1


@pytest.mark.parametrize("command", ["recompute", "export_progress"])
def test_unknown_indicator_is_refused(plan, command):
    with pytest.raises(CommandError, match="Unknown indicator NOPE"):
        call_command(command, indicator="NOPE")


def test_demo_data_gets_results_with_every_colour(plan, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", allow_production=True)
    statuses = set(Result.objects.values_list("status", flat=True))
    assert statuses == {"green", "yellow", "red", "grey"}
    ei_2023 = Result.objects.get(indicator__code="EI_GDP", region=None, year=2023)
    assert (ei_2023.status, ei_2023.rule) == ("red", "went_backwards")
