"""Number formatting shared by exports and pages. Plain Python."""

from decimal import Decimal


def number(value):
    """A Decimal as a plain number: 3472, not 3472.000000; 15.5 stays 15.5; None stays None."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)
