"""The progress arithmetic: how far each indicator has come, how far it should be, its traffic light and
what it still needs. Plain Python and pandas: no Django, no clock (the years come from the data).

Everything is computed column-wise over one frame holding every series (indicator x region) and year, so
recomputing 15,000 indicators costs a few array operations, not a loop per row. `evaluate()` wraps the
same code for one city-wide series; the tests use it with the plan's own targets.

Conventions: region 0 is the whole city; shares are fractions (1.0 = the whole target); `value` is the
progress in the target's own terms (cumulative % reduction, cumulative amount, level, points, % complete).
"""

import numpy as np
import pandas as pd

from . import kinds

CITY = 0

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
STATUSES = (GREEN, YELLOW, RED, GREY)

# The rule that decided the traffic light, in the order they are tried.
NO_DATA = "no_data"
NO_REGIONAL_TARGET = "no_regional_target"
MISSING_INPUTS = "missing_inputs"
TARGET_MET = "target_met"
WENT_BACKWARDS = "went_backwards"
BELOW_BASELINE = "below_baseline"
DEADLINE_MISSED = "deadline_missed"
ON_SCHEDULE = "on_schedule"
BEHIND_SCHEDULE = "behind_schedule"

RULE_MESSAGES = {
    NO_DATA: kinds.gettext_noop("No approved figure for this year."),
    NO_REGIONAL_TARGET: kinds.gettext_noop(
        "The plan sets this amount for the whole city only: a region's share is shown, not judged."
    ),
    MISSING_INPUTS: kinds.gettext_noop(
        "An approved figure this year needs is missing (the baseline, an earlier year or a component)."
    ),
    TARGET_MET: kinds.gettext_noop("The target is met."),
    WENT_BACKWARDS: kinds.gettext_noop("The year went backwards against the previous year with data."),
    BELOW_BASELINE: kinds.gettext_noop("Worse than the baseline year."),
    DEADLINE_MISSED: kinds.gettext_noop("The target year has come and the target is not met."),
    ON_SCHEDULE: kinds.gettext_noop("On schedule: achieved %(achieved)s%% of the target, %(expected)s%% expected."),
    BEHIND_SCHEDULE: kinds.gettext_noop(
        "Behind schedule: achieved %(achieved)s%% of the target, %(expected)s%% expected."
    ),
}
STATUS_OF_RULE = {
    NO_DATA: GREY,
    NO_REGIONAL_TARGET: GREY,
    MISSING_INPUTS: GREY,
    TARGET_MET: GREEN,
    WENT_BACKWARDS: RED,
    BELOW_BASELINE: RED,
    DEADLINE_MISSED: RED,
    ON_SCHEDULE: GREEN,
    BEHIND_SCHEDULE: YELLOW,
}

# Where the year's progress came from.
FROM_LEVELS = "levels"
FROM_RATES = "change_rates"
FROM_COMPONENTS = "components"
FROM_AMOUNTS = "amounts"
FROM_REGION_SUM = "region_sum"
FROM_PERCENT = "percent_complete"

INDICATOR_COLUMNS = [
    "indicator_id",
    "kind",
    "baseline_year",
    "target_year",
    "target_value",
    "strict",
    "baseline_value",
    "green_ratio",
    "last_year",
]
FIGURE_COLUMNS = ["indicator_id", "region_id", "year", "measure", "stage", "value"]
TRAJECTORY_COLUMNS = ["indicator_id", "year", "value"]
RESULT_COLUMNS = [
    "indicator_id",
    "region_id",
    "year",
    "status",
    "rule",
    "source",
    "baseline",
    "previous",
    "current",
    "value",
    "achieved",
    "expected",
    "required_per_year",
    "projected",
]

# Energy components are passed through for the explanation, with the consumption that counts towards the
# total-consumption assessment: total - feedstock - new renewable electricity.
ENERGY_ASSESSED = "energy_assessed"
COMPONENT_COLUMNS = [*kinds.COMPONENT_MEASURES, ENERGY_ASSESSED]

# Floating-point slack when deciding whether a target is met (15.5 % must count as 15.5 %).
EPSILON = 1e-9
_MEASURES = list(kinds.ALL_MEASURES)


def compute(indicators, figures, trajectory=None):
    """Results for every series and every year after the baseline, as a frame of RESULT_COLUMNS.

    indicators: INDICATOR_COLUMNS, one row per indicator (last_year = the plan's end year or later).
    figures: FIGURE_COLUMNS, approved figures only; region_id CITY (0) for city-wide figures.
    trajectory: TRAJECTORY_COLUMNS, optional expected cumulative progress in the target's terms.
    """
    grid = _grid(indicators, _latest_stage(figures))
    if grid.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS + COMPONENT_COLUMNS)
    grid = _expected(grid, trajectory)
    _judge_kinds(grid)
    _status(grid)
    deductions = grid[kinds.FEEDSTOCK].fillna(0.0) + grid[kinds.RENEWABLE].fillna(0.0)
    grid[ENERGY_ASSESSED] = grid[kinds.ENERGY_TOTAL] - deductions
    after_baseline = grid["year"] > grid["baseline_year"]
    return grid.loc[after_baseline, RESULT_COLUMNS + COMPONENT_COLUMNS].reset_index(drop=True)


def _judge_kinds(grid):
    """Runs each engine once over the rows of every kind that names it (at_least and at_most share one)."""
    by_engine = {}
    for code, entry in kinds.KINDS.items():
        by_engine.setdefault(entry.engine, []).append(code)
    for engine, codes in by_engine.items():
        rows = grid["kind"].isin(codes)
        if rows.any():
            ENGINES[engine](grid, rows)


def _kind_has(grid, attribute):
    """The rows whose kind has `attribute` set in the registry."""
    return grid["kind"].isin(kinds.codes_with(attribute))


def _latest_stage(figures):
    """A final figure supersedes the preliminary one for the same indicator, region, year and measure."""
    figures = figures.assign(
        region_id=figures["region_id"].fillna(CITY).astype("int64"),
        measure=figures["measure"].astype(pd.CategoricalDtype(_MEASURES)),
    )
    figures = figures.sort_values("stage", key=lambda stage: stage != kinds.FINAL, kind="stable")
    return figures.drop_duplicates(["indicator_id", "region_id", "year", "measure"])


def _grid(indicators, figures):
    """One row per series and year from the baseline year to the last year, figures as columns."""
    key = ["indicator_id", "region_id", "year"]
    wide = figures.set_index([*key, "measure"])["value"].unstack("measure")
    wide = wide.reindex(columns=_MEASURES).reset_index()

    city = pd.DataFrame({"indicator_id": indicators["indicator_id"], "region_id": CITY})
    series = pd.concat([city, wide[["indicator_id", "region_id"]]]).drop_duplicates()
    # Kinds as a categorical: the per-kind masks below compare a million rows several times each.
    indicators = indicators.assign(kind=indicators["kind"].astype(pd.CategoricalDtype(list(kinds.KINDS))))
    series = series.merge(indicators, on="indicator_id")

    spans = (series["last_year"] - series["baseline_year"] + 1).clip(lower=0).to_numpy()
    grid = series.loc[series.index.repeat(spans)].reset_index(drop=True)
    offsets = np.arange(len(grid)) - np.repeat(np.cumsum(spans) - spans, spans)
    grid["year"] = grid["baseline_year"].to_numpy() + offsets
    grid = grid.merge(wide, on=key, how="left")
    grid = grid.sort_values(key, kind="stable").reset_index(drop=True)
    grid["series"] = grid.groupby(["indicator_id", "region_id"], sort=False).ngroup()
    grid["has_data"] = grid[_MEASURES].notna().any(axis=1)
    grid["source"] = None
    for column in ["baseline", "previous", "current", "value", "achieved", "required_per_year", "projected"]:
        grid[column] = np.nan
    grid["met"] = False
    grid["backwards"] = False
    _sum_regions_into_city_totals(grid, wide)
    return grid


def _sum_regions_into_city_totals(grid, wide):
    """A cumulative kind without a city-wide amount for a year takes the sum of the regions' amounts."""
    regional = wide[wide["region_id"] != CITY]
    sums = regional.groupby(["indicator_id", "year"])[kinds.AMOUNT].sum(min_count=1).rename("_sum").reset_index()
    summed = grid[["indicator_id", "year"]].merge(sums, on=["indicator_id", "year"], how="left")["_sum"]
    summed.index = grid.index
    use = (_kind_has(grid, "cumulative") & (grid["region_id"] == CITY) & grid[kinds.AMOUNT].isna()) & summed.notna()
    grid.loc[use, kinds.AMOUNT] = summed[use]
    grid.loc[use, "source"] = FROM_REGION_SUM
    grid.loc[use, "has_data"] = True


def _years(grid):
    """Years since the baseline (y - B), years to the target (T - y), the whole span (T - B)."""
    y, b, t = grid["year"], grid["baseline_year"], grid["target_year"]
    return (y - b).astype(float), (t - y).astype(float), (t - b).astype(float)


def _at_baseline(grid, values):
    """The values' baseline-year entry of each series, on every row of the series."""
    at_b = values.where(grid["year"] == grid["baseline_year"])
    return at_b.groupby(grid["series"]).transform("first")


def _previous(grid, values, at_baseline=None):
    """The last non-empty value before each year within the series (the baseline level counts)."""
    if at_baseline is not None:
        values = values.where(grid["year"] != grid["baseline_year"], at_baseline)
    filled = values.groupby(grid["series"]).ffill()
    return filled.groupby(grid["series"]).shift()


def _cumulative(grid, values):
    """Sums the values from B+1 to y within each series; empty when any of those years is empty."""
    values = values.where(grid["year"] > grid["baseline_year"], 0.0)
    missing = values.isna().astype(int).groupby(grid["series"]).cumsum()
    total = values.fillna(0.0).groupby(grid["series"]).cumsum()
    return total.where(missing == 0)


def meets(value, target, strict, *, at_least=True):
    if at_least:
        met = np.where(strict, value > target + EPSILON, value >= target - EPSILON)
    else:
        met = np.where(strict, value < target - EPSILON, value <= target + EPSILON)
    return pd.Series(met, index=value.index)


def _set(grid, rows, **columns):
    for column, values in columns.items():
        grid.loc[rows, column] = values[rows]


def _series(grid, values):
    return pd.Series(values, index=grid.index)


def _relative_reduction(grid, rows):
    x = grid["target_value"] / 100
    since, left, span = _years(grid)
    rate, level = grid[kinds.CHANGE_RATE], grid[kinds.LEVEL]

    # Components: the feedstock energy comes out of both the baseline and the current year.
    feedstock = grid[kinds.FEEDSTOCK].fillna(0.0)
    from_components = (grid[kinds.ENERGY_TOTAL] - feedstock) / grid[kinds.GDP]
    components_at_b = _at_baseline(grid, from_components)
    level_at_b = _at_baseline(grid, level).fillna(grid["baseline_value"])

    # c(y) from components, else levels, else yearly rates: 1 - prod(1 + g/100) over B+1..y, as a sum of logs.
    c_components = 1 - from_components / components_at_b
    c_levels = 1 - level / level_at_b
    c_rates = 1 - np.exp(_cumulative(grid, np.log1p(rate / 100)))
    reduction = c_components.fillna(c_levels).fillna(c_rates)
    chosen = [c_components.notna(), c_levels.notna(), c_rates.notna()]
    source = np.select(chosen, [FROM_COMPONENTS, FROM_LEVELS, FROM_RATES], None)
    current = np.select(chosen, [from_components, level, rate], np.nan)
    baseline = np.where(c_components.notna(), components_at_b, level_at_b)

    # The intensity rose (NDRC's 不降反升): a positive yearly change, or a level above the last one with data.
    intensity = from_components.fillna(level)
    previous = _previous(grid, intensity, at_baseline=components_at_b.fillna(level_at_b))
    rose = (rate > EPSILON) | (intensity > previous + EPSILON)

    _set(
        grid,
        rows,
        source=_series(grid, source),
        baseline=_series(grid, baseline),
        previous=previous,
        current=_series(grid, current),
        value=reduction * 100,
        achieved=reduction / x,
        met=meets(reduction, x, grid["strict"]),
        backwards=rose,
        required_per_year=100 * (1 - ((1 - x) / (1 - reduction)) ** (1 / left)),
        projected=100 * (1 - (1 - reduction) ** (span / since)),
    )


def _cumulative_total(grid, rows):
    since, left, span = _years(grid)
    amount, x = grid[kinds.AMOUNT], grid["target_value"]
    total = _cumulative(grid, amount)
    _set(
        grid,
        rows,
        source=grid["source"].fillna(FROM_AMOUNTS),
        previous=_previous(grid, amount),
        current=amount,
        value=total,
        achieved=total / x,
        met=meets(total, x, grid["strict"]),
        backwards=amount < 0,
        required_per_year=(x - total) / left,
        projected=total * span / since,
    )


def _level_target(grid, rows):
    """at_least / at_most: progress from the baseline towards X, or the plain ratio without one."""
    since, left, span = _years(grid)
    upward = _kind_has(grid, "upward")
    level, x, strict = grid[kinds.LEVEL], grid["target_value"], grid["strict"]
    level_at_b = _at_baseline(grid, level).fillna(grid["baseline_value"])
    previous = _previous(grid, level, at_baseline=level_at_b)
    met = meets(level, x, strict).where(upward, meets(level, x, strict, at_least=False))
    backwards = (level < previous - EPSILON).where(upward, level > previous + EPSILON)
    _set(
        grid,
        rows,
        source=_series(grid, FROM_LEVELS),
        baseline=level_at_b,
        previous=previous,
        current=level,
        value=level,
        achieved=_level_share(level, level_at_b, x, upward),
        met=met,
        backwards=backwards,
        required_per_year=(x - level) / left,
        projected=level_at_b + (level - level_at_b) * span / since,
    )


def _level_share(level, level_at_b, x, upward):
    """(L - L_B) / (X - L_B) when the baseline lies on the other side of X; else L / X or X / L."""
    other_side = (level_at_b < x).where(upward, level_at_b > x) & level_at_b.notna()
    from_baseline = (level - level_at_b) / (x - level_at_b)
    inverse = (x / level.where(level > 0)).where(level != 0, 1.0)  # a level of 0 meets any at_most target
    plain = (level / x).where(upward, inverse).where(level.notna())
    return from_baseline.where(other_side, plain)


def _point_reduction(grid, rows):
    since, left, span = _years(grid)
    share, x = grid[kinds.LEVEL], grid["target_value"]
    share_at_b = _at_baseline(grid, share).fillna(grid["baseline_value"])
    points = share_at_b - share
    previous = _previous(grid, share, at_baseline=share_at_b)
    _set(
        grid,
        rows,
        source=_series(grid, FROM_LEVELS),
        baseline=share_at_b,
        previous=previous,
        current=share,
        value=points,
        achieved=points / x,
        met=meets(points, x, grid["strict"]),
        backwards=share > previous + EPSILON,
        required_per_year=(x - points) / left,
        projected=points * span / since,
    )


def _milestone(grid, rows):
    since, left, span = _years(grid)
    done, x = grid[kinds.PERCENT_COMPLETE], grid["target_value"]
    previous = _previous(grid, done)
    _set(
        grid,
        rows,
        source=_series(grid, FROM_PERCENT),
        previous=previous,
        current=done,
        value=done,
        achieved=done / x,
        met=meets(done, x, grid["strict"]),
        backwards=done < previous - EPSILON,
        required_per_year=(x - done) / left,
        projected=(done * span / since).clip(upper=100),
    )


# The engines by the name a Kind gives in `engine`: each sets the results of its `rows` of the grid.
ENGINES = {
    "relative_reduction": _relative_reduction,
    "cumulative_total": _cumulative_total,
    "level": _level_target,
    "point_reduction": _point_reduction,
    "milestone": _milestone,
}


def _expected(grid, trajectory):
    """e(y): linear, or the constant-rate path for relative reductions; a trajectory overrides both."""
    since, _, span = _years(grid)
    share = (since / span).clip(upper=1)
    x = grid["target_value"]
    relative = _kind_has(grid, "constant_rate_path")
    constant_rate = (1 - (1 - x / 100) ** (since / span).clip(upper=1)) / (x / 100)
    expected = share.where(~relative, constant_rate.clip(upper=1))
    if trajectory is not None and len(trajectory):
        planned = grid[["indicator_id", "year"]].merge(trajectory, on=["indicator_id", "year"], how="left")["value"]
        planned.index = grid.index
        level_at_b = _at_baseline(grid, grid[kinds.LEVEL]).fillna(grid["baseline_value"])
        upward = _kind_has(grid, "upward")
        as_level = _level_share(planned, level_at_b, x, upward)
        from_trajectory = (planned / x).where(~_kind_has(grid, "level_target"), as_level)
        expected = from_trajectory.clip(upper=1).fillna(expected)
    grid["expected"] = expected
    return grid


def _status(grid):
    """The first rule that holds wins (NDRC's energy dual-control barometer, generalised)."""
    achieved, expected = grid["achieved"], grid["expected"]
    late = grid["year"] >= grid["target_year"]
    green_ratio = grid["green_ratio"].astype(float)
    # A city-wide amount (COD 3472 t) is not split among the regions by the plan: a region's
    # tonnes cannot be judged against the whole city's target.
    regional_total = _kind_has(grid, "cumulative") & (grid["region_id"] != CITY)
    rules = np.select(
        [
            ~grid["has_data"],
            regional_total,
            achieved.isna(),
            grid["met"].astype(bool),
            grid["backwards"].fillna(False).astype(bool),
            achieved < -EPSILON,
            late,
            achieved >= expected * green_ratio - EPSILON,
        ],
        [
            NO_DATA,
            NO_REGIONAL_TARGET,
            MISSING_INPUTS,
            TARGET_MET,
            WENT_BACKWARDS,
            BELOW_BASELINE,
            DEADLINE_MISSED,
            ON_SCHEDULE,
        ],
        BEHIND_SCHEDULE,
    )
    grid["rule"] = rules
    grid["status"] = pd.Series(rules, index=grid.index).map(STATUS_OF_RULE)
    unknown = grid["status"] == GREY
    # Nothing is needed once met, nor at or after the target year; nothing is known for a grey year.
    no_need = unknown | grid["met"].astype(bool) | late
    grid.loc[no_need, "required_per_year"] = np.nan
    grid.loc[unknown | (grid["year"] >= grid["target_year"]), "projected"] = np.nan
    grid.loc[unknown, "achieved"] = np.nan
    grid.loc[unknown & (grid["rule"] != NO_REGIONAL_TARGET), "value"] = np.nan  # a region's tonnes still show


def evaluate(
    *,
    kind,
    baseline_year,
    target_year,
    target_value,
    figures,
    baseline_value=None,
    strict=False,
    green_ratio=1.0,
    last_year=None,
    trajectory=None,
):
    """Results for one city-wide series, by year: a convenience over `compute` for tests and the shell.

    figures: {year: {measure: value}} or {year: value} (the kind's default measure).
    """
    indicators = pd.DataFrame(
        [
            {
                "indicator_id": 1,
                "kind": kind,
                "baseline_year": baseline_year,
                "target_year": target_year,
                "target_value": float(target_value),
                "strict": strict,
                "baseline_value": np.nan if baseline_value is None else float(baseline_value),
                "green_ratio": float(green_ratio),
                "last_year": last_year or target_year,
            }
        ]
    )
    rows = []
    for year, values in figures.items():
        if not isinstance(values, dict):
            values = {kinds.default_measure(kind): values}
        for measure, value in values.items():
            stage = kinds.FINAL
            if isinstance(value, tuple):
                value, stage = value
            rows.append((1, CITY, year, measure, stage, float(value)))
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    planned = pd.DataFrame([(1, y, float(v)) for y, v in (trajectory or {}).items()], columns=TRAJECTORY_COLUMNS)
    results = compute(indicators, frame, planned)
    return {int(row["year"]): row for row in results.to_dict("records")}


def expected_value(*, kind, expected, target_value, baseline=None):
    """The expected share of the way turned back into the target's own terms, for drawing the expected
    path beside the actual progress: 15.5 % x 0.4 = 6.2 % below 2020; 3472 t x 0.4 = 1388.8 t; a level
    moves from the baseline towards the target. None where no path exists (a level target without a
    baseline on the other side of the target is judged by the plain ratio, which has no path)."""
    if expected is None:
        return None
    entry = kinds.kind(kind)
    if entry.level_target:
        if baseline is None:
            return None
        other_side = baseline < target_value if entry.upward else baseline > target_value
        return baseline + expected * (target_value - baseline) if other_side else None
    return expected * target_value
