"""The kinds of indicator and which measures fit them. Plain Python: the import parser, the forms and
the progress engine share it without Django.

Every kind is one `Kind` entry in `KINDS`: what it measures, how progress engine and pages treat it,
and its words. Adding a kind is one entry here (and, for new arithmetic, its engine in progress.py)."""

from collections.abc import Mapping
from dataclasses import dataclass

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

ALL_MEASURES = (LEVEL, CHANGE_RATE, AMOUNT, PERCENT_COMPLETE, *COMPONENT_MEASURES)

# A final figure supersedes the preliminary one for the same year.
PRELIMINARY = "preliminary"
FINAL = "final"
STAGES = (PRELIMINARY, FINAL)

PERCENT_UNITS = {"%"}


def gettext_noop(message):
    """Marks a message for translation (makemessages finds it); callers translate it for display."""
    return message


@dataclass(frozen=True)
class Kind:
    """One kind of indicator. Sentences are English msgids (gettext_noop) with %(name)s placeholders:
    progress and required take value, amount (value with unit) and year (the baseline year); the axis
    takes year and unit; the target takes value, unit and year (target_sentence_year says which)."""

    code: str
    label: str
    measures: tuple  # the first is the default, used when an import file leaves `measure` empty
    engine: str  # the key of the function in progress.ENGINES that judges it
    # False when progress is counted from zero, so no baseline figure is needed.
    needs_baseline_value: bool = True
    # A year's figure is that year's amount and progress their sum; the plan sets the amount for the
    # whole city only, so the regions' amounts add up to it and a region is not judged against it.
    cumulative: bool = False
    takes_components: bool = False  # may be computed from the energy components (plan 四(一))
    constant_rate_path: bool = False  # the expected path falls at a constant yearly rate, not linearly
    # Judged as a level going from the baseline towards the target, upward (at least) or not (at most).
    level_target: bool = False
    upward: bool = True
    progress_sentence: str | None = None  # None: the level with its unit
    required_sentence: str | None = None  # None: the level's change each year, higher or lower
    axis_label: str | None = None  # None: the indicator's name and unit
    target_sentence: str | None = None  # None: the bound (≥, >, ≤, <) and the target value
    target_sentence_year: str = "target"  # which year the target sentence names: "target" or "baseline"

    @property
    def default_measure(self):
        return self.measures[0]


KINDS = {
    k.code: k
    for k in (
        Kind(
            code=RELATIVE_REDUCTION,
            label=gettext_noop("Relative reduction against the baseline"),
            measures=(LEVEL, CHANGE_RATE),
            engine="relative_reduction",
            takes_components=True,
            constant_rate_path=True,
            progress_sentence=gettext_noop("%(value)s%% below %(year)s"),
            required_sentence=gettext_noop("%(value)s%% lower each year"),
            axis_label=gettext_noop("Reduction since %(year)s (%%)"),
            target_sentence=gettext_noop("%(value)s%% below %(year)s"),
            target_sentence_year="baseline",
        ),
        Kind(
            code=CUMULATIVE_TOTAL,
            label=gettext_noop("Cumulative total over the period"),
            measures=(AMOUNT,),
            engine="cumulative_total",
            needs_baseline_value=False,
            cumulative=True,
            progress_sentence=gettext_noop("%(amount)s so far"),
            required_sentence=gettext_noop("%(amount)s each year"),
            axis_label=gettext_noop("Cumulative since %(year)s (%(unit)s)"),
            target_sentence=gettext_noop("%(value)s %(unit)s in total"),
        ),
        Kind(
            code=AT_LEAST,
            label=gettext_noop("Level of at least"),
            measures=(LEVEL,),
            engine="level",
            level_target=True,
        ),
        Kind(
            code=AT_MOST,
            label=gettext_noop("Level of at most"),
            measures=(LEVEL,),
            engine="level",
            level_target=True,
            upward=False,
        ),
        Kind(
            code=POINT_REDUCTION,
            label=gettext_noop("Reduction in percentage points"),
            measures=(LEVEL,),
            engine="point_reduction",
            progress_sentence=gettext_noop("%(value)s points lower"),
            required_sentence=gettext_noop("%(value)s points lower each year"),
            axis_label=gettext_noop("Percentage points lower than %(year)s"),
            target_sentence=gettext_noop("%(value)s percentage points lower"),
        ),
        Kind(
            code=MILESTONE,
            label=gettext_noop("Milestone"),
            measures=(PERCENT_COMPLETE,),
            engine="milestone",
            needs_baseline_value=False,
            progress_sentence=gettext_noop("%(value)s%% done"),
            required_sentence=gettext_noop("%(value)s%% more each year"),
            axis_label=gettext_noop("Done (%)"),  # no placeholder: its % is literal
            target_sentence=gettext_noop("Done by %(year)s"),
        ),
    )
}


def kind(code):
    """The registry entry of a kind code; KeyError for an unknown one."""
    return KINDS[code]


def codes_with(attribute):
    """The codes of the kinds whose `attribute` is true, e.g. codes_with("level_target")."""
    return [code for code, entry in KINDS.items() if getattr(entry, attribute)]


class _MeasuresByKind(Mapping):
    """{code: measures}, read from KINDS at each use so that it always agrees with the registry."""

    def __getitem__(self, code):
        return KINDS[code].measures

    def __iter__(self):
        return iter(KINDS)

    def __len__(self):
        return len(KINDS)


MEASURES_BY_KIND = _MeasuresByKind()


def default_measure(kind_code):
    return KINDS[kind_code].default_measure


def measures(kind_code, *, components=False):
    """The measures an indicator of this kind accepts; `components` when it takes energy components."""
    entry = KINDS.get(kind_code)
    if entry is None:
        return ()
    return entry.measures + (COMPONENT_MEASURES if components and entry.takes_components else ())


def measure_fits(kind, measure, *, components=False):
    return measure in measures(kind, components=components)


def value_problem(*, kind, unit, measure, value, components=False):
    """Why `value` cannot be a figure of this measure, or None. Value is a Decimal or int."""
    if not measure_fits(kind, measure, components=components):
        return gettext_noop("This measure does not fit the indicator's kind.")
    return measure_value_problem(unit=unit, measure=measure, value=value)


def measure_value_problem(*, unit, measure, value):
    """Why `value` cannot be a figure of this measure whatever the kind, or None."""
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
