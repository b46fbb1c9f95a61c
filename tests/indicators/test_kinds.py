from decimal import Decimal

import pytest
from django.utils import translation

from indicators import kinds, progress, schedule
from indicators.models import Indicator


@pytest.mark.parametrize(
    ("kind", "unit", "measure", "value", "problem"),
    [
        ("relative_reduction", "吨标准煤/万元", "level", Decimal("0.82"), None),
        ("relative_reduction", "吨标准煤/万元", "change_rate", Decimal("1.2"), None),  # intensity rose
        ("relative_reduction", "吨标准煤/万元", "change_rate", Decimal("-100"), "100 percent"),
        ("relative_reduction", "吨标准煤/万元", "amount", Decimal("1"), "does not fit"),
        ("cumulative_total", "吨", "amount", Decimal("694.4"), None),
        ("cumulative_total", "吨", "level", Decimal("694.4"), "does not fit"),
        ("at_least", "%", "level", Decimal("90"), None),
        ("at_least", "%", "level", Decimal("100.1"), "between 0 and 100"),
        ("at_most", "PUE", "level", Decimal("1.45"), None),
        ("at_most", "PUE", "level", Decimal("-1"), "negative"),
        ("point_reduction", "%", "level", Decimal("-0.5"), "between 0 and 100"),
        ("milestone", "%", "percent_complete", Decimal("100"), None),
        ("milestone", "%", "percent_complete", Decimal("120"), "between 0 and 100"),
        ("milestone", "%", "level", Decimal("50"), "does not fit"),
    ],
)
def test_value_problem(kind, unit, measure, value, problem):
    found = kinds.value_problem(kind=kind, unit=unit, measure=measure, value=value)
    assert (found is None) if problem is None else (problem in found)


def test_every_kind_has_a_default_measure_that_fits():
    for kind in kinds.MEASURES_BY_KIND:
        assert kinds.measure_fits(kind, kinds.default_measure(kind))


# --- The registry: every kind in one place --------------------------------------------------------------

SENTENCE_WORDS = {"value": "1.5", "amount": "1.5 t", "year": 2020, "unit": "t"}


@pytest.mark.parametrize("code", list(kinds.KINDS))
def test_every_kind_has_measures_a_label_and_an_engine(code):
    entry = kinds.kind(code)
    assert entry.code == code
    assert entry.measures and set(entry.measures) <= set(kinds.ALL_MEASURES)
    assert entry.default_measure == entry.measures[0]
    assert entry.label.strip()
    assert entry.engine in progress.ENGINES


@pytest.mark.parametrize("code", list(kinds.KINDS))
def test_every_kind_has_its_sentences_or_is_a_level(code):
    """A level target is shown as the level itself; every other kind says its progress in words."""
    entry = kinds.kind(code)
    sentences = [entry.progress_sentence, entry.required_sentence, entry.axis_label, entry.target_sentence]
    if entry.level_target:
        assert sentences == [None, None, None, None]
        return
    for sentence in sentences:
        assert sentence and "%(" not in _filled(sentence)


def _filled(sentence):
    return sentence % SENTENCE_WORDS if "%(" in sentence else sentence


@pytest.mark.parametrize(
    ("code", "needs_baseline_value", "cumulative", "level_target", "upward", "components"),
    [
        ("relative_reduction", True, False, False, True, True),
        ("cumulative_total", False, True, False, True, False),
        ("at_least", True, False, True, True, False),
        ("at_most", True, False, True, False, False),
        ("point_reduction", True, False, False, True, False),
        ("milestone", False, False, False, True, False),
    ],
)
def test_what_each_kind_decides(code, needs_baseline_value, cumulative, level_target, upward, components):
    entry = kinds.kind(code)
    found = (entry.needs_baseline_value, entry.cumulative, entry.level_target, entry.upward, entry.takes_components)
    assert found == (needs_baseline_value, cumulative, level_target, upward, components)


def test_only_relative_reductions_take_energy_components():
    assert kinds.measures("relative_reduction", components=True)[-len(kinds.COMPONENT_MEASURES) :] == (
        kinds.COMPONENT_MEASURES
    )
    assert kinds.measures("at_least", components=True) == ("level",)


def test_an_unknown_kind_has_no_measures():
    assert kinds.measures("nonsense") == ()
    assert "does not fit" in kinds.value_problem(kind="nonsense", unit="t", measure="level", value=Decimal(1))


def test_the_models_choices_are_the_registrys_kinds():
    with translation.override("en"):
        choices = [(code, str(label)) for code, label in Indicator.Kind.choices]
    assert choices == [(code, entry.label) for code, entry in kinds.KINDS.items()]


# A kind added in one place: an entry in the registry that reuses an existing engine.
FAKE = kinds.Kind(
    code="fake_share",
    label="Share reached",
    measures=(kinds.PERCENT_COMPLETE, kinds.LEVEL),
    engine="milestone",
    needs_baseline_value=False,
    progress_sentence="%(value)s%% reached",
    required_sentence="%(value)s%% more each year",
    axis_label="Reached (%%)",
    target_sentence="Reached by %(year)s",
)


@pytest.fixture
def fake_kind(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, FAKE.code, FAKE)
    return FAKE.code


@pytest.mark.parametrize(
    ("measure", "value", "problem"),
    [
        ("percent_complete", Decimal("40"), None),
        ("level", Decimal("40"), None),
        ("percent_complete", Decimal("140"), "between 0 and 100"),
        ("amount", Decimal("40"), "does not fit"),
    ],
)
def test_a_kind_added_to_the_registry_is_accepted(fake_kind, measure, value, problem):
    found = kinds.value_problem(kind=fake_kind, unit="%", measure=measure, value=value)
    assert (found is None) if problem is None else (problem in found)


def test_a_kind_added_to_the_registry_has_its_measures(fake_kind):
    assert kinds.measures(fake_kind) == ("percent_complete", "level")
    assert kinds.default_measure(fake_kind) == "percent_complete"
    assert kinds.MEASURES_BY_KIND[fake_kind] == ("percent_complete", "level")
    assert fake_kind in kinds.MEASURES_BY_KIND


def test_a_kind_added_to_the_registry_is_judged_and_scheduled(fake_kind):
    results = progress.evaluate(
        kind=fake_kind, baseline_year=2020, target_year=2025, target_value=100, figures={2021: 40}
    )
    assert results[2021]["achieved"] == pytest.approx(0.4)
    assert schedule.due_years(kind=fake_kind, baseline_year=2020, has_baseline_value=False, last_year=2022) == [
        2021,
        2022,
    ]
