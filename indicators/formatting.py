"""Number formatting shared by exports and pages. Plain Python."""

from decimal import Decimal


def number(value):
    """A Decimal as a plain number: 3472, not 3472.000000; 15.5 stays 15.5; None stays None."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def plain(value):
    """A Decimal as entered, in plain notation without trailing zeros: 1000, not 1E+3; 863.4, not 863.400000."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text == "-0" else text
