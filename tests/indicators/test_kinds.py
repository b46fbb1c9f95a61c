from decimal import Decimal

import pytest

from indicators import kinds


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
