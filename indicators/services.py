"""Writes that span models."""

import json
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments import roles
from departments.models import Department, Region
from departments.services import roles_ensure, user_upsert

from . import kinds, parsing, pgcopy, progress, selectors
from .demo import demo_rows
from .models import Figure, Indicator, Plan, Result, Task, TaskResponsibility

logger = logging.getLogger(__name__)


@transaction.atomic
def plan_load(*, catalogue):
    """Creates or updates the plan, its departments, regions, tasks and indicators from a catalogue
    (see indicators.catalogue). Keyed on natural keys, so loading twice gives the same database;
    baseline values already entered are kept when the catalogue has none."""
    departments = _upsert_units(Department, catalogue["departments"])
    _upsert_units(Region, catalogue["regions"])

    data = catalogue["plan"]
    plan, _ = Plan.objects.update_or_create(
        document_number=data["document_number"],
        defaults={key: data[key] for key in ("name", "name_en", "adopted_on", "baseline_year", "target_year")},
    )

    tasks = {}
    for position, item in enumerate(catalogue["tasks"]):
        task, _ = Task.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={key: item[key] for key in ("title", "title_en", "text", "responsibility_text")}
            | {"position": position},
        )
        tasks[item["code"]] = task
        _set_responsibilities(task, item, departments)

    for position, item in enumerate(catalogue["indicators"]):
        fields = {
            key: item[key]
            for key in (
                "section",
                "name",
                "name_en",
                "unit",
                "unit_en",
                "kind",
                "baseline_year",
                "target_year",
                "target_value",
                "binding",
                "by_region",
                "strict",
                "energy_components",
                "source_text",
                "note",
            )
        }
        if item["baseline_value"] is not None:
            fields["baseline_value"] = item["baseline_value"]
        Indicator.objects.update_or_create(
            code=item["code"], defaults=fields | {"task": tasks[item["task"]], "position": position}
        )
    return plan


def _upsert_units(model, items):
    """Departments or regions by name, in catalogue order; returns them by name."""
    units = {}
    for position, item in enumerate(items):
        fields = {key: item[key] for key in ("name_en", "kind", "aliases")} | {"position": position}
        units[item["name"]], _ = model.objects.update_or_create(name=item["name"], defaults=fields)
    return units


def _set_responsibilities(task, item, departments):
    wanted = [(name, TaskResponsibility.Role.LEAD) for name in item["lead_departments"]]
    wanted += [(name, TaskResponsibility.Role.COOPERATING) for name in item["cooperating_departments"]]
    task.responsibilities.exclude(department__name__in=[name for name, _ in wanted]).delete()
    for position, (name, role) in enumerate(wanted):
        TaskResponsibility.objects.update_or_create(
            task=task, department=departments[name], defaults={"role": role, "position": position}
        )


DEMO_SOURCE = "演示数据（非官方统计）"
DEMO_PASSWORD = "demo-2025"
# (username, role, department, region, first name): one person per role, see README.md.
DEMO_USERS = [
    ("clerk", roles.CLERK, "市生态环境局", None, "生态环境局填报员"),
    ("colleague", roles.CLERK, "市生态环境局", None, "生态环境局填报员二"),
    ("head", roles.HEAD, "市发改委（市能源局）", None, "发改委负责人"),
    ("reviewer", roles.REVIEWER, "市统计局", None, "统计局审核员"),
    ("region_clerk", roles.CLERK, None, "鲅鱼圈区", "鲅鱼圈区填报员"),
    ("leader", roles.LEADER, None, None, "市领导"),
    ("admin", roles.ADMINISTRATOR, None, None, "系统管理员"),
]


@transaction.atomic
def demo_load(*, plan):
    """Demo users for every role and illustrative figures for 2020–2024, all approved.

    Replaces only earlier demo figures; a figure entered for real is never overwritten.
    Returns the users created, for the command to print their logins."""
    roles_ensure()
    users = [
        user_upsert(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first_name,
            department=Department.objects.get(name=department) if department else None,
            region=Region.objects.get(name=region) if region else None,
            is_staff=role == roles.ADMINISTRATOR,
            is_superuser=role == roles.ADMINISTRATOR,
        )
        for username, role, department, region, first_name in DEMO_USERS
    ]
    indicators = {i.code: i for i in Indicator.objects.filter(task__plan=plan)}
    regions = {r.name: r for r in Region.objects.exclude(kind=Region.Kind.DEVELOPMENT_ZONE)}
    Figure.objects.filter(indicator__task__plan=plan, source=DEMO_SOURCE).delete()
    taken = set(
        Figure.objects.filter(indicator__task__plan=plan, stage=Figure.Stage.FINAL).values_list(
            "indicator__code", "region__name", "year", "measure"
        )
    )
    rows = demo_rows(
        [
            {
                "code": i.code,
                "kind": i.kind,
                "target_value": i.target_value,
                "target_year": i.target_year,
                "by_region": i.by_region,
            }
            for i in indicators.values()
        ],
        list(regions),
    )
    by_username = {user.username: user for user in users}
    # Entered by the 生态环境局 clerk, approved by the 统计局 reviewer, who approves across departments.
    entered_by, reviewed_by, now = by_username["clerk"], by_username["reviewer"], timezone.now()
    bulk_create_with_history(
        [
            Figure(
                indicator=indicators[code],
                region=regions[region] if region else None,
                year=year,
                measure=measure,
                value=value,
                status=Figure.Status.APPROVED,
                source=DEMO_SOURCE,
                entered_by=entered_by,
                reviewed_by=reviewed_by,
                reviewed_at=now,
            )
            for code, region, year, measure, value in rows
            if (code, region, year, measure) not in taken
        ],
        Figure,
        default_user=entered_by,
        default_change_reason="load_demo",
    )
    plan.has_demo_data = True
    plan.save(update_fields=["has_demo_data"])
    figures_changed(indicator_ids={i.pk for i in indicators.values()})
    return users


# --- Figures: import and change notification -------------------------------------------------------


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
    indicator_ids: set = field(default_factory=set)


def figures_import(*, data, filename, user=None, approve=False):
    """Reads a CSV or XLSX file of figures and saves all its rows or none.

    Every row is checked before anything is written; any problem raises ImportRejected. A row for a
    figure that exists replaces its value as a new revision (the history keeps the old one). Rows are
    submitted for review, or approved when `approve` (official data loaded by an administrator)."""
    try:
        frame = parsing.read_table(data, filename)
    except parsing.FileProblem as error:
        raise ImportRejected([error.problem]) from None
    plan = Plan.objects.get()
    indicators = {i.code: i for i in Indicator.objects.filter(task__plan=plan)}
    rows, problems = parsing.parse_figures(
        frame, indicators=selectors.indicator_specs(indicators.values(), plan=plan), regions=selectors.region_names()
    )
    if problems:
        raise ImportRejected(problems)
    return _figures_save(rows, indicators=indicators, user=user, approve=approve, reason=f"import {filename}")


@transaction.atomic
def _figures_save(rows, *, indicators, user, approve, reason):
    regions = {r.name: r for r in Region.objects.all()}
    codes = {row.indicator for row in rows}
    existing = {
        (f.indicator_id, f.region_id, f.year, f.measure, f.stage): f
        for f in Figure.objects.select_for_update().filter(indicator__code__in=codes)
    }
    now, summary = timezone.now(), ImportSummary()
    status = Figure.Status.APPROVED if approve else Figure.Status.SUBMITTED
    reviewed = {"reviewed_by": user, "reviewed_at": now} if approve else {"reviewed_by": None, "reviewed_at": None}
    created, replaced, touched = [], [], set()
    for row in rows:
        indicator = indicators[row.indicator]
        region = regions[row.region] if row.region else None
        key = (indicator.pk, region.pk if region else None, row.year, row.measure, row.stage)
        figure = existing.get(key)
        if figure is None:
            created.append(
                Figure(
                    indicator=indicator,
                    region=region,
                    year=row.year,
                    measure=row.measure,
                    stage=row.stage,
                    value=row.value,
                    note=row.note,
                    status=status,
                    entered_by=user,
                    **reviewed,
                )
            )
        elif (
            figure.value == row.value and figure.note == row.note and figure.status in (status, Figure.Status.APPROVED)
        ):
            # The same value again is no new revision, and never takes back an approval.
            summary.unchanged += 1
            continue
        else:
            was_approved = figure.status == Figure.Status.APPROVED
            figure.value, figure.note, figure.status, figure.entered_by = row.value, row.note, status, user
            figure.reviewed_by, figure.reviewed_at = reviewed["reviewed_by"], reviewed["reviewed_at"]
            figure.revision += 1
            replaced.append(figure)
            if was_approved:
                touched.add(indicator.pk)
        if approve:
            touched.add(indicator.pk)
    bulk_create_with_history(created, Figure, default_user=user, default_change_reason=reason)
    fields = ["value", "note", "status", "entered_by", "reviewed_by", "reviewed_at", "revision", "updated_at"]
    for figure in replaced:
        figure.updated_at = now
    bulk_update_with_history(replaced, Figure, fields, default_user=user, default_change_reason=reason)
    summary.created, summary.replaced, summary.indicator_ids = len(created), len(replaced), touched
    figures_changed(indicator_ids=touched)
    return summary


def figures_changed(*, indicator_ids):
    """Approved figures of these indicators changed: recompute them once the transaction commits."""
    ids = sorted(indicator_ids)
    if ids:
        transaction.on_commit(lambda: _dispatch_recompute(ids))


def _dispatch_recompute(ids):
    from .tasks import recompute_indicators  # tasks import this module

    try:
        recompute_indicators.delay(ids)
    except BrokerError:
        # The figures are saved; the nightly recompute will catch up. Say so loudly in the log.
        logger.exception("Could not queue the recompute of indicators %s", ids)


# --- Progress results --------------------------------------------------------------------------------

BATCH_SIZE = 5000  # indicators per transaction in a full recompute


def progress_recompute(*, indicator_ids=None, on_progress=None):
    """Recomputes the results of the given indicators (all when None) from their approved figures.

    Works in batches of indicators, each in one transaction that locks its indicators' rows, so two
    recomputes of the same indicator run one after the other and the second writes the same rows.
    `on_progress(done, total)` is called after each batch. Returns the number of results written."""
    ids = selectors.indicator_ids(indicator_ids)
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        written += _recompute_batch(ids[start : start + BATCH_SIZE])
        if on_progress:
            on_progress(min(start + BATCH_SIZE, len(ids)), len(ids))
    return written


@transaction.atomic
def _recompute_batch(ids):
    list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    results = progress.compute(
        selectors.indicators_frame(ids), selectors.figures_frame(ids), selectors.trajectory_frame(ids)
    )
    Result.objects.filter(indicator_id__in=ids).delete()
    _results_write(results)
    return len(results)


def _results_write(results):
    """Writes the engine's frame: binary COPY on PostgreSQL (see pgcopy), bulk_create elsewhere."""
    now, inputs = timezone.now(), _component_inputs(results)
    city = results["region_id"] == progress.CITY
    if connection.vendor != "postgresql":
        frame = results[progress.RESULT_COLUMNS].astype(object).where(results[progress.RESULT_COLUMNS].notna(), None)
        frame["region_id"] = frame["region_id"].where(~city, None)
        frame["source"] = frame["source"].fillna("")
        rows = frame.to_dict("records")
        Result.objects.bulk_create(
            (Result(**row, inputs=json.loads(text), computed_at=now) for row, text in zip(rows, inputs, strict=True)),
            batch_size=1000,
        )
        return
    columns = {
        "indicator_id": pgcopy.int8(results["indicator_id"].to_numpy()),
        "region_id": pgcopy.int8(results["region_id"].where(~city).to_numpy(dtype=float)),
        "year": pgcopy.int2(results["year"].to_numpy()),
        "status": pgcopy.text(results["status"]),
        "rule": pgcopy.text(results["rule"]),
        "source": pgcopy.text(results["source"].fillna("")),
        **{name: pgcopy.float8(results[name].to_numpy(dtype=float)) for name in FLOAT_COLUMNS},
        "inputs": pgcopy.jsonb(inputs),
        "computed_at": pgcopy.timestamptz(int(now.timestamp() * 1_000_000), len(results)),
    }
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Result._meta.db_table} ({names}) FROM STDIN WITH (FORMAT binary)") as copy,
    ):
        copy.write(pgcopy.encode(list(columns.values())))


FLOAT_COLUMNS = ["baseline", "previous", "current", "value", "achieved", "expected", "required_per_year", "projected"]


def _component_inputs(results):
    """The energy components as JSON, only on the (few) rows that have any; `{}` elsewhere."""
    inputs = pd.Series("{}", index=results.index, dtype=object)
    components = results[progress.COMPONENT_COLUMNS]
    has_any = components[list(kinds.COMPONENT_MEASURES)].notna().any(axis=1)
    for index, row in components[has_any].iterrows():
        inputs[index] = json.dumps({k: v for k, v in row.items() if not np.isnan(v)})
    return inputs
