"""Numbers as pages and exports show them."""

from decimal import Decimal

import pytest

from indicators import formatting


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1000.000000"), "1000"),  # Decimal.normalize alone prints 1E+3
        (Decimal("863.400000"), "863.4"),
        (Decimal("0.004500"), "0.0045"),
        (Decimal("-0.000000"), "0"),
        (Decimal("3472"), "3472"),
        (None, ""),
    ],
)
def test_plain_shows_a_figure_as_entered(value, shown):
    assert formatting.plain(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(Decimal("3472.000000"), 3472), (Decimal("15.500"), 15.5), (None, None)])
def test_number_for_exports(value, shown):
    assert formatting.number(value) == shown
