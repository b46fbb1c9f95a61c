"""Figures from files and forms: parse, check against the database (scope, locks, plausibility), save all or none."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments.models import Region

from . import kinds, parsing, plausibility
from .models import Figure, Indicator, Plan
from .recompute import figures_changed


class ImportRejected(Exception):
    """The file was refused; nothing was saved. `problems` name the line and column of each."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportSummary:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    statistic_ids: set = field(default_factory=set)


CREATE, REPLACE, UNCHANGED = "create", "replace", "unchanged"


@dataclass
class Change:
    """What importing one row does: create a figure, replace an existing one's value, or nothing."""

    row: parsing.Row
    indicator: Indicator  # the target the row's statistic is checked against (figures_targets)
    region: Region | None
    figure: Figure | None  # the figure as it is now, if there is one
    action: str
    flags: list = field(default_factory=list)  # plausibility findings (see indicators.plausibility)

    @property
    def flag_texts(self):
        return [plausibility.flag_text(flag, gettext) for flag in self.flags]


def figures_import(*, data, filename, user=None, approve=False, scope=None, skip_blank=False, plan=None):
    """Reads a CSV or XLSX file of figures and saves all its rows or none.

    Every row is checked before anything is written; any problem raises ImportRejected. A row for a
    figure that exists replaces its value as a new revision (the history keeps the old one). Rows are
    submitted for review, or approved when `approve` (official data loaded by an administrator with
    `manage.py import_figures --approve`). Submitted rows may not change an approved (locked) figure,
    and a row the plausibility checks flag needs a note. `scope` (permissions.EntryScope) limits the
    rows to what an uploading user may enter."""
    rows, indicators = figures_read(data=data, filename=filename, skip_blank=skip_blank, plan=plan)
    return _figures_save(rows, indicators=indicators, user=user, approve=approve, scope=scope, filename=filename)


def figures_save(*, rows, filename, user, scope):
    """Submits rows parsed earlier (an upload's, see figures_parse) for review, all or none, after checking
    them again against the database: scope, locks and plausibility (ImportRejected on any problem)."""
    return _figures_save(rows, indicators=figures_targets(), user=user, approve=False, scope=scope, filename=filename)


def figures_read(*, data, filename, skip_blank=False, plan=None):
    """The parsed rows of a file and the targets by statistic code; ImportRejected on any problem."""
    rows, indicators, problems = figures_parse(data=data, filename=filename, skip_blank=skip_blank, plan=plan)
    if problems:
        raise ImportRejected(problems)
    return rows, indicators


def figures_targets(*, plan=None):
    """The statistics a file may name, by code: for each, the target its rows are checked against (the
    latest plan's), with `first_year` and `last_year` spanning every target that reads it. Of `plan`, or of
    every active plan: a figure is entered once for all the plans that read it."""
    targets = Indicator.objects.select_related("task__plan", "statistic").order_by("-plan__baseline_year", "-plan_id")
    targets = targets.filter(plan=plan) if plan else targets.filter(plan__status=Plan.Status.ACTIVE)
    chosen = {}
    for target in targets:
        years = target.reporting_years
        first = chosen.setdefault(target.statistic.code, target)
        first.first_year = min(getattr(first, "first_year", years[0]), years[0])
        first.last_year = max(getattr(first, "last_year", years[-1]), years[-1])
    return chosen


def figures_parse(*, data, filename, skip_blank=False, seconds=None, plan=None):
    """The good rows of a file, the plan's indicators by code, and the problems of the other rows.
    A file that cannot be read at all raises ImportRejected.

    `skip_blank`: rows with an empty value are not reported yet and skipped (the browser's template
    lists every indicator and year a user may report; they fill in what they have). `seconds` bounds
    the time a workbook may take to read. `plan`: whose statistics the rows name (default: every active plan's)."""
    try:
        frame = parsing.read_table(data, filename, seconds=seconds)
    except parsing.FileProblem as error:
        raise ImportRejected([error.problem]) from None
    if skip_blank and "value" in frame:
        frame = frame[frame["value"].str.strip() != ""]
        if frame.empty:
            raise ImportRejected([parsing.Problem(line=None, column="value", message=NO_VALUES)])
    indicators = figures_targets(plan=plan)
    rows, problems = parsing.parse_figures(frame, indicators=indicator_specs(indicators), regions=region_names())
    return rows, indicators, problems


def indicator_specs(targets):
    """What the import parser needs to know of each statistic a file may name: {code: target} from
    figures.figures_targets."""
    return {
        code: parsing.IndicatorSpec(
            code=code,
            kind=t.kind,
            unit=t.statistic.unit,
            by_region=t.statistic.by_region,
            components=t.energy_components,
            first_year=t.first_year,
            last_year=t.last_year,
        )
        for code, t in targets.items()
    }


def region_names():
    """Every name a file may use for a region (Chinese name, English name, aliases) -> its name."""
    names = {}
    for name, name_en, aliases in Region.objects.values_list("name", "name_en", "aliases"):
        for alias in [name, name_en, *aliases]:
            if alias:
                names[alias] = name
    return names


def figures_plan(rows, *, indicators, approve, scope, lock=False):
    """What importing `rows` would do, and the problems that forbid it (scope, locks, unexplained flags)."""
    regions = {r.name: r for r in Region.objects.all()}
    figures = Figure.objects.filter(statistic__code__in={row.indicator for row in rows})
    existing = {_key(f): f for f in (figures.select_for_update() if lock else figures)}
    # Last year's and the preliminary values as they will be once the file is in: the file wins.
    values = {key: f.value for key, f in existing.items() if f.status != Figure.Status.RETURNED}
    changes, problems = [], []
    for row in rows:
        indicator, region = indicators[row.indicator], regions[row.region] if row.region else None
        key = (indicator.statistic_id, region.pk if region else None, row.year, row.measure, row.stage)
        values[key] = row.value
        figure = existing.get(key)
        if scope is not None and not scope.allows(indicator.statistic_id, key[1]):
            problems.append(_row_problem(row, "indicator", OUTSIDE_SCOPE, indicator=row.indicator))
            continue
        changes.append(Change(row, indicator, region, figure, _action(row, figure, approve)))
    if not approve:
        for change in changes:
            problems += _submission_problems(change, values)
    return changes, problems


def _key(figure):
    return (figure.statistic_id, figure.region_id, figure.year, figure.measure, figure.stage)


def _action(row, figure, approve):
    if figure is None:
        return CREATE
    target = Figure.Status.APPROVED if approve else Figure.Status.SUBMITTED
    # The same value again is no new revision, and never takes back an approval.
    if figure.value == row.value and figure.note == row.note and figure.status in (target, Figure.Status.APPROVED):
        return UNCHANGED
    return REPLACE


NO_VALUES = kinds.gettext_noop("No row of the file has a value: fill in the value column.")
OUTSIDE_SCOPE = kinds.gettext_noop("You may not report figures of %(indicator)s for this region or the whole city.")
LOCKED = kinds.gettext_noop("The %(year)s figure is approved and locked; an administrator must unlock it first.")
NEEDS_NOTE = kinds.gettext_noop("Explain this value in the note column: %(flags)s")


def _row_problem(row, column, message, **params):
    return parsing.Problem(line=row.line, column=column, message=message, params=params)


def _submission_problems(change, values):
    """A locked figure may not change; a flagged value needs the submitter's explanation."""
    row = change.row
    if change.action == UNCHANGED:
        return []
    if change.figure is not None and change.figure.is_locked:
        return [_row_problem(row, "value", LOCKED, year=row.year)]
    cell = (change.indicator.statistic_id, change.region.pk if change.region else None)
    previous, preliminary = neighbour_values(values, cell, row.year, row.stage)
    plan = change.indicator.task.plan
    change.flags = plausibility.check(
        values={row.measure: row.value},
        previous=previous,
        preliminary={m: v for m, v in preliminary.items() if m == row.measure},
        jump=plan.jump_threshold,
        tolerance=plan.final_tolerance,
    )
    if change.flags and not row.note.strip():
        texts = "; ".join(plausibility.flag_text(flag, gettext) for flag in change.flags)
        return [_row_problem(row, "note", NEEDS_NOTE, flags=texts)]
    return []


def neighbour_values(values, cell, year, stage):
    """Last year's values by measure (final preferred), and this year's preliminary ones when `stage`
    is final; `values` is keyed like figures: (statistic, region, year, measure, stage)."""
    previous, preliminary = {}, {}
    for measure in kinds.ALL_MEASURES:
        for last_stage in kinds.STAGES:  # preliminary first, so a final value overwrites it
            value = values.get((*cell, year - 1, measure, last_stage))
            if value is not None:
                previous[measure] = value
        value = values.get((*cell, year, measure, kinds.PRELIMINARY))
        if stage == kinds.FINAL and value is not None:
            preliminary[measure] = value
    return previous, preliminary


# What an import writes on each figure it creates or replaces.
IMPORT_FIELDS = ["value", "note", "status", "entered_by", "flags", "reviewed_by", "reviewed_at", "submitted_at"]


@transaction.atomic
def _figures_save(rows, *, indicators, user, approve, scope, filename):
    changes, problems = figures_plan(rows, indicators=indicators, approve=approve, scope=scope, lock=True)
    if problems:
        raise ImportRejected(problems)
    now, summary, reason = timezone.now(), ImportSummary(), f"import {filename}"
    status = Figure.Status.APPROVED if approve else Figure.Status.SUBMITTED
    review = {"reviewed_by": user if approve else None, "reviewed_at": now if approve else None}
    created, replaced, touched = [], [], set()
    for change in changes:
        row, figure = change.row, change.figure
        fields = {"value": row.value, "note": row.note, "status": status, "entered_by": user, "flags": change.flags}
        fields |= review | {"submitted_at": now}
        if change.action == UNCHANGED:
            summary.unchanged += 1
            continue
        if change.action == CREATE:
            created.append(
                Figure(
                    statistic_id=change.indicator.statistic_id,
                    region=change.region,
                    year=row.year,
                    measure=row.measure,
                    stage=row.stage,
                    **fields,
                )
            )
        else:
            if figure.status == Figure.Status.APPROVED:
                touched.add(figure.statistic_id)
            for name, new in fields.items():
                setattr(figure, name, new)
            figure.revision += 1
            figure.updated_at = now
            replaced.append(figure)
        if approve:
            touched.add(change.indicator.statistic_id)
    bulk_create_with_history(created, Figure, default_user=user, default_change_reason=reason)
    bulk_update_with_history(
        replaced, Figure, [*IMPORT_FIELDS, "revision", "updated_at"], default_user=user, default_change_reason=reason
    )
    summary.created, summary.replaced, summary.statistic_ids = len(created), len(replaced), touched
    figures_changed(statistic_ids=touched)
    return summary
