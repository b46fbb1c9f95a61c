"""Which measures fit which kind of indicator. Plain Python: the import parser, the forms and the
progress engine share it without Django."""

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
# Energy-intensity components (plan 四(一)): intensity = (total - feedstock) / GDP at constant 2020 prices.
ENERGY_TOTAL = "energy_total"
FEEDSTOCK = "energy_feedstock"
GDP = "gdp"
# New renewable electricity since 2020: not part of the intensity, a named deduction for the
# total-consumption assessment.
RENEWABLE = "renewable_new"
COMPONENT_MEASURES = (ENERGY_TOTAL, FEEDSTOCK, GDP, RENEWABLE)

# The first measure of each kind is its default (used when an import file leaves `measure` empty).
MEASURES_BY_KIND = {
    RELATIVE_REDUCTION: (LEVEL, CHANGE_RATE),
    CUMULATIVE_TOTAL: (AMOUNT,),
    AT_LEAST: (LEVEL,),
    AT_MOST: (LEVEL,),
    POINT_REDUCTION: (LEVEL,),
    MILESTONE: (PERCENT_COMPLETE,),
}
ALL_MEASURES = (LEVEL, CHANGE_RATE, AMOUNT, PERCENT_COMPLETE, *COMPONENT_MEASURES)

# A final figure supersedes the preliminary one for the same year.
PRELIMINARY = "preliminary"
FINAL = "final"
STAGES = (PRELIMINARY, FINAL)

PERCENT_UNITS = {"%"}


def gettext_noop(message):
    """Marks a message for translation (makemessages finds it); callers translate it for display."""
    return message


def default_measure(kind):
    return MEASURES_BY_KIND[kind][0]


def measures(kind, *, components=False):
    """The measures an indicator of this kind accepts; `components` when it takes energy components."""
    extra = COMPONENT_MEASURES if components and kind == RELATIVE_REDUCTION else ()
    return MEASURES_BY_KIND.get(kind, ()) + extra


def measure_fits(kind, measure, *, components=False):
    return measure in measures(kind, components=components)


def value_problem(*, kind, unit, measure, value, components=False):
    """Why `value` cannot be a figure of this measure, or None. Value is a Decimal or int."""
    if not measure_fits(kind, measure, components=components):
        return gettext_noop("This measure does not fit the indicator's kind.")
    is_percent = measure == PERCENT_COMPLETE or (measure == LEVEL and unit in PERCENT_UNITS)
    if is_percent and not 0 <= value <= 100:
        return gettext_noop("A percentage must lie between 0 and 100.")
    if measure == LEVEL and value < 0:
        return gettext_noop("A level cannot be negative.")
    if measure == AMOUNT and value < 0:
        return gettext_noop("A yearly amount cannot be negative.")
    if measure in COMPONENT_MEASURES and value < 0:
        return gettext_noop("An energy or GDP figure cannot be negative.")
    if measure == GDP and value == 0:
        return gettext_noop("GDP must be greater than zero.")
    if measure == CHANGE_RATE and value <= -100:
        return gettext_noop("A year-on-year fall cannot be 100 percent or more.")
    return None
