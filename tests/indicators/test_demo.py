from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from departments.models import User
from indicators import kinds
from indicators.demo import demo_rows
from indicators.demo_load import DEMO_SOURCE
from indicators.models import Figure, Indicator, PendingRecompute, Plan


def indicator_dicts(catalogue):
    return [
        {k: i[k] for k in ("code", "kind", "target_value", "target_year", "by_region")} for i in catalogue["indicators"]
    ]


def test_demo_rows_cover_every_indicator_with_valid_values(catalogue):
    regions = ["站前区", "西市区", "鲅鱼圈区", "老边区", "大石桥市", "盖州市"]
    rows = demo_rows(indicator_dicts(catalogue), regions)
    by_code = {i["code"]: i for i in catalogue["indicators"]}
    assert {code for code, *_ in rows} == set(by_code)
    for code, _region, year, measure, value in rows:
        indicator = by_code[code]
        assert 2020 <= year <= 2024
        assert kinds.value_problem(kind=indicator["kind"], unit=indicator["unit"], measure=measure, value=value) is None
    keys = [(code, region, year, measure) for code, region, year, measure, _ in rows]
    assert len(keys) == len(set(keys))


def test_demo_energy_intensity_rises_in_2023_as_a_red_case(catalogue):
    rows = demo_rows(indicator_dicts(catalogue), [])
    city = {year: value for code, region, year, _, value in rows if code == "EI_GDP" and region is None}
    assert city[2023] > 0 > city[2024]


@pytest.fixture
def demo(plan, capsys):
    call_command("load_demo", allow_production=True)
    return capsys.readouterr().out


def test_load_demo_creates_a_user_per_role_and_prints_their_logins(demo):
    for username in ("clerk", "head", "leader", "admin", "reviewer"):
        assert username in demo
    assert User.objects.get(username="clerk").department.name == "市生态环境局"
    assert User.objects.get(username="head").department.name == "市发改委（市能源局）"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser  # duties are separated: no demo superuser
    assert User.objects.get(username="security").groups.get().name == "security_administrator"
    assert User.objects.get(username="auditor").groups.get().name == "audit_administrator"
    assert User.objects.get(username="leader").check_password("demo-2025")


def test_load_demo_marks_the_plan_and_approves_illustrative_figures(demo):
    assert Plan.objects.get(slug="yingkou-14th").has_demo_data
    figures = Figure.objects.exclude(year=2025)
    assert figures.count() > 200
    assert set(figures.values_list("status", flat=True)) == {"approved"}
    assert set(Figure.objects.values_list("source", flat=True)) == {DEMO_SOURCE}
    assert set(figures.values_list("entered_by__username", "reviewed_by__username")) == {("clerk", "reviewer")}
    # Two 2025 figures wait for review, 5 % and 1 % above 2024.
    waiting = Figure.objects.filter(year=2025).order_by("statistic__code")
    assert [(f.statistic.code, f.region and f.region.name, f.status, f.entered_by.username) for f in waiting] == [
        ("COD", "鲅鱼圈区", "submitted", "region_clerk"),
        ("STRAW_USE", None, "submitted", "clerk"),
    ]
    cod_2024 = Figure.objects.get(statistic__code="COD", region__name="鲅鱼圈区", year=2024).value
    assert waiting[0].value == (cod_2024 * Decimal("1.05")).quantize(Decimal("0.1"))


def test_load_demo_twice_gives_the_same_figures_and_keeps_real_ones(demo, capsys):
    straw = Indicator.objects.get(plan__slug="yingkou-14th", code="STRAW_USE")
    Figure.objects.filter(statistic=straw.statistic, year=2022).update(source="市农业农村局年报", value=Decimal("88.8"))
    before = set(Figure.objects.values_list("statistic__code", "region__name", "year", "measure", "value"))
    call_command("load_demo", allow_production=True)
    after = set(Figure.objects.values_list("statistic__code", "region__name", "year", "measure", "value"))
    assert after == before
    assert Figure.objects.get(statistic=straw.statistic, year=2022).value == Decimal("88.8")


def test_load_demo_refuses_to_run_in_production(plan):
    with pytest.raises(CommandError, match="allow-production"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


def test_load_demo_without_a_plan_says_what_to_do(db):
    with pytest.raises(CommandError, match="load_plan"):
        call_command("load_demo", allow_production=True)


def test_the_demo_shows_the_illustrative_next_plan_beside_the_first(demo):
    """Both in use; the next plan is fictional, says its figures are illustrative, and its energy-intensity
    target reads the 14th plan's statistic: the demo's figures count for both."""
    first, following = Plan.objects.get(slug="yingkou-14th"), Plan.objects.get(slug="yingkou-15th-example")
    assert (first.status, following.status) == ("active", "active")
    assert following.fictional and following.has_demo_data and not first.fictional
    assert "yingkou-15th-example" in demo
    ei = Indicator.objects.filter(code="EI_GDP").order_by("plan__baseline_year")
    assert [i.plan.slug for i in ei] == ["yingkou-14th", "yingkou-15th-example"]
    assert ei[0].statistic_id == ei[1].statistic_id
    assert Figure.objects.filter(statistic=ei[0].statistic, year=2024).exists()
    assert PendingRecompute.objects.filter(indicator=ei[1]).exists()  # queued now, not left to the nightly run
