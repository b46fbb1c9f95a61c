"""Which measures fit which kind of indicator. Plain Python: the import parser and the progress
engine use it without Django."""

RELATIVE_REDUCTION = "relative_reduction"
CUMULATIVE_TOTAL = "cumulative_total"
AT_LEAST = "at_least"
AT_MOST = "at_most"
POINT_REDUCTION = "point_reduction"
MILESTONE = "milestone"

LEVEL = "level"
CHANGE_RATE = "change_rate"
AMOUNT = "amount"
PERCENT_COMPLETE = "percent_complete"

# The first measure of each kind is its default (used when an import file leaves `measure` empty).
MEASURES_BY_KIND = {
    RELATIVE_REDUCTION: (LEVEL, CHANGE_RATE),
    CUMULATIVE_TOTAL: (AMOUNT,),
    AT_LEAST: (LEVEL,),
    AT_MOST: (LEVEL,),
    POINT_REDUCTION: (LEVEL,),
    MILESTONE: (PERCENT_COMPLETE,),
}

PERCENT_UNITS = {"%"}


def gettext_noop(message):
    """Marks a message for translation (makemessages finds it); callers translate it for display."""
    return message


def default_measure(kind):
    return MEASURES_BY_KIND[kind][0]


def measure_fits(kind, measure):
    return measure in MEASURES_BY_KIND.get(kind, ())


def value_problem(*, kind, unit, measure, value):
    """Why `value` cannot be a figure of this measure, or None. Value is a Decimal or int."""
    if not measure_fits(kind, measure):
        return gettext_noop("This measure does not fit the indicator's kind.")
    is_percent = measure == PERCENT_COMPLETE or (measure == LEVEL and unit in PERCENT_UNITS)
    if is_percent and not 0 <= value <= 100:
        return gettext_noop("A percentage must lie between 0 and 100.")
    if measure == LEVEL and value < 0:
        return gettext_noop("A level cannot be negative.")
    if measure == CHANGE_RATE and value <= -100:
        return gettext_noop("A year-on-year fall cannot be 100 percent or more.")
    return None
