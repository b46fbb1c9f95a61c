"""Whole numbers read from requests: ids, years, versions. The one rule every view and form uses.

Only ASCII digits, and not too many of them: str.isdigit() accepts "²" (which int() then refuses) and
"١٢" (which int() reads as 12), and a 20-digit id overflows the database's integers. No Django here."""

ID_DIGITS = 18  # below 2**63: every id column (BigAutoField) and SQLite's integers hold it
YEAR_DIGITS = 4


def whole_number(text, *, digits=ID_DIGITS):
    """The number `text` spells in 1 to `digits` ASCII digits, else None (never an exception)."""
    if not isinstance(text, str) or not 0 < len(text) <= digits:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def year(text):
    """A year as 4 ASCII digits, else None."""
    return whole_number(text, digits=YEAR_DIGITS)
