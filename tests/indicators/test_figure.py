from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Region
from indicators.models import Figure, Indicator


@pytest.fixture
def straw(plan):
    return Indicator.objects.get(code="STRAW_USE")


def figure(indicator, **fields):
    defaults = {"year": 2021, "measure": "level", "value": Decimal("91.2")}
    return Figure(statistic=indicator.statistic, **(defaults | fields))


def test_a_valid_figure_passes_clean_and_saves(straw):
    item = figure(straw)
    item.full_clean()
    item.save()
    assert item.status == Figure.Status.DRAFT


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"year": 2019}, "year"),
        ({"year": 2026}, "year"),
        ({"value": Decimal("101")}, "value"),
        ({"measure": "amount"}, "value"),
        ({"status": "published"}, "status"),
    ],
)
def test_invalid_figures_are_refused_with_the_field_named(straw, fields, field):
    with pytest.raises(ValidationError) as error:
        figure(straw, **fields).full_clean()
    assert field in error.value.message_dict


def test_a_milestone_due_in_2023_may_still_be_reported_in_2025(plan):
    outfalls = Indicator.objects.get(code="OUTFALL_REMEDIATION")
    figure(outfalls, year=2025, measure="percent_complete", value=100).full_clean()


def test_one_city_figure_per_indicator_year_and_measure(straw):
    figure(straw).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(straw, value=Decimal("92")).save()


def test_one_region_figure_per_indicator_region_year_and_measure(plan):
    cod = Indicator.objects.get(code="COD")
    region = Region.objects.get(name="盖州市")
    figure(cod, measure="amount", value=100, region=region).save()
    figure(cod, measure="amount", value=400).save()  # the whole city beside the region is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(cod, measure="amount", value=120, region=region).save()


def test_the_database_refuses_percent_complete_over_100(plan):
    outfalls = Indicator.objects.get(code="OUTFALL_REMEDIATION")
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(outfalls, measure="percent_complete", value=150).save()


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("EI_GDP", "比2020年下降15.5%", "15.5% below 2020"),
        ("COD", "累计3472吨", "3472 t in total"),
        ("EFFICIENCY_BENCHMARK", "> 30%", "> 30%"),
        ("WATER_LEAKAGE", "< 10%", "< 10%"),
        ("DC_PUE", "≤ 1.3", "≤ 1.3"),
        ("SOLVENT_COATINGS", "降低20个百分点", "20 percentage points lower"),
        ("OUTFALL_REMEDIATION", "到2023年完成", "Done by 2023"),
    ],
)
def test_target_label_in_both_languages(plan, code, zh, en):
    from django.utils import translation

    indicator = Indicator.objects.get(code=code)
    with translation.override("zh-hans"):
        assert indicator.target_label == zh
    with translation.override("en"):
        assert indicator.target_label == en


def test_reading_figures_joins_nothing_and_sorts_nothing(db):
    # The progress engine reads figures in bulk: no implicit join or ORDER BY from a default ordering.
    sql = str(Figure.objects.all().query)
    assert "JOIN" not in sql and "ORDER BY" not in sql
