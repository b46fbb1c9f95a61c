"""Loading plans: a catalogue into the database, a new version of a plan's catalogue (with removals), a plan's
life (draft, active, closed). The demo data: indicators/demo_load.py."""

import dataclasses
import hashlib
import json
import logging

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext

from departments.models import Department, Region

from .catalogue import LOADED_FIELDS
from .catalogue_diff import CatalogueDiff, catalogue_diff
from .models import Figure, Indicator, Plan, PlanEvent, ProgressReport, Statistic, Task, TaskResponsibility
from .recompute import figures_changed

logger = logging.getLogger(__name__)


@transaction.atomic
def plan_load(*, catalogue):
    """Creates or updates the plan, its departments, regions, tasks and indicators from a catalogue
    (see indicators.catalogue). Keyed on natural keys, so loading twice gives the same database;
    baseline values already entered are kept when the catalogue has none."""
    departments = _upsert_units(Department, catalogue["departments"])
    _upsert_units(Region, catalogue["regions"])

    data = catalogue["plan"]
    # A plan is loaded as a draft (only administrators see it) and keeps its state when loaded again.
    plan, _ = Plan.objects.update_or_create(
        document_number=data["document_number"],
        defaults={key: data[key] for key in ("name", "name_en", "adopted_on", "baseline_year", "target_year")}
        | {"slug": data.get("slug") or _free_slug(data), "fictional": data.get("fictional", False)},
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
        fields = {key: item[key] for key in LOADED_FIELDS}
        if item["baseline_value"] is not None:
            fields["baseline_value"] = item["baseline_value"]
        # What the target reads: a statistic shared with the plans that read the same code.
        statistic = Statistic.read_by(Indicator(code=item["code"], **fields), code=item.get("statistic"))
        # Keyed on the plan and the code: loading a plan never moves another plan's indicators.
        Indicator.objects.filter(plan=plan).update_or_create(
            code=item["code"],
            defaults=fields | {"task": tasks[item["task"]], "position": position, "statistic": statistic},
        )
    return plan


def _free_slug(data):
    """A short name for a catalogue that gives none: its baseline and target years, made unique."""
    base = f"plan-{data['baseline_year']}-{data['target_year']}"
    existing = Plan.objects.filter(document_number=data["document_number"]).values_list("slug", flat=True).first()
    if existing:
        return existing
    taken = set(Plan.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class ReplaceRefused(Exception):
    """A catalogue file cannot be loaded onto that plan (nothing was saved). `items` lists what the refusal
    is about, e.g. the removals that need a confirmation."""

    def __init__(self, message, items=()):
        super().__init__(message)
        self.items = list(items)


class StalePreview(ReplaceRefused):
    """The plan changed after the preview the confirmation was given on."""


@dataclasses.dataclass(frozen=True)
class Preview:
    """What loading a catalogue onto a plan (None: a new plan) would do. `figures` names the targets to be
    removed whose statistic has figures (code: how many; the figures are kept), `reports` the tasks to be
    removed that have progress reports (code: how many; they go with the task). Either needs a confirmation.
    `fingerprint` stands for the plan's catalogue as it was compared: a confirmation given on an older one
    is refused (plan_replace)."""

    plan: Plan | None
    diff: CatalogueDiff
    fingerprint: str
    figures: dict
    reports: dict

    @property
    def needs_confirmation(self):
        return bool(self.figures or self.reports)

    def confirmation_items(self):
        items = [
            gettext("target %(code)s: %(count)s figures of its statistic (kept)") % {"code": code, "count": count}
            for code, count in self.figures.items()
        ]
        items += [
            gettext("task %(code)s: %(count)s progress reports (removed with it)") % {"code": code, "count": count}
            for code, count in self.reports.items()
        ]
        return items


def plan_catalogue(plan):
    """The loaded plan as catalogue-shaped data (what a catalogue file sets), for catalogue_diff; the
    departments and regions are all of them, shared by every plan."""
    tasks = Task.objects.filter(plan=plan).for_overview()
    indicators = Indicator.objects.filter(plan=plan).select_related("task", "statistic").order_by("position", "pk")
    return {
        "plan": {
            "name": plan.name,
            "name_en": plan.name_en,
            "document_number": plan.document_number,
            "slug": plan.slug,
            "fictional": plan.fictional,
            "adopted_on": plan.adopted_on,
            "baseline_year": plan.baseline_year,
            "target_year": plan.target_year,
        },
        "departments": [_unit_data(unit) for unit in Department.objects.order_by("position", "pk")],
        "regions": [_unit_data(unit) for unit in Region.objects.order_by("position", "pk")],
        "tasks": [
            {
                "code": task.code,
                "title": task.title,
                "title_en": task.title_en,
                "text": task.text,
                "responsibility_text": task.responsibility_text,
                "lead_departments": [d.name for d in task.lead_departments],
                "cooperating_departments": [d.name for d in task.cooperating_departments],
            }
            for task in tasks
        ],
        "indicators": [
            {key: getattr(i, key) for key in TARGET_FIELDS} | {"task": i.task.code, "statistic": i.statistic.code}
            for i in indicators
        ],
    }


TARGET_FIELDS = ("code", *LOADED_FIELDS, "baseline_value")


def _unit_data(unit):
    return {"name": unit.name, "name_en": unit.name_en, "kind": unit.kind, "aliases": list(unit.aliases)}


def _fingerprint(data):
    """A digest of the plan's own catalogue data (not the shared departments and regions)."""
    if data is None:
        return "new"
    own = {key: data[key] for key in ("plan", "tasks", "indicators")}
    text = json.dumps(own, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def plan_preview(*, catalogue, plan=None):
    """What loading `catalogue` onto `plan` would change (plan None: the file is a new plan's). Refuses
    (ReplaceRefused) a file of another document number, a closed plan, a new plan whose document number is
    loaded already, and a short name another plan uses. Reads only."""
    data = catalogue["plan"]
    if plan is None:
        existing = Plan.objects.filter(document_number=data["document_number"]).first()
        if existing is not None:
            raise ReplaceRefused(
                gettext("%(document)s is loaded already, as %(plan)s: upload the file on that plan's page.")
                % {"document": data["document_number"], "plan": existing}
            )
    else:
        if data["document_number"] != plan.document_number:
            raise ReplaceRefused(
                gettext("The file is the catalogue of %(document)s, not of this plan (%(plan)s).")
                % {"document": data["document_number"], "plan": plan}
            )
        if plan.status == Plan.Status.CLOSED:
            raise ReplaceRefused(
                gettext("The plan %(plan)s is closed: its catalogue no longer changes.") % {"plan": plan}
            )
    slug = data.get("slug")
    taken = Plan.objects.filter(slug=slug).exclude(pk=plan.pk if plan else None).first() if slug else None
    if taken is not None:
        raise ReplaceRefused(
            gettext("The short name %(slug)s is already used by %(plan)s.") % {"slug": slug, "plan": taken}
        )
    old = plan_catalogue(plan) if plan else None
    diff = catalogue_diff(old, catalogue)
    figures, reports = {}, {}
    if plan is not None and diff.indicators.removed:
        removed = dict(
            Indicator.objects.filter(plan=plan, code__in=diff.indicators.keys("removed")).values_list(
                "code", "statistic_id"
            )
        )
        counts = dict(
            Figure.objects.filter(statistic__in=removed.values())
            .values("statistic")
            .annotate(n=Count("pk"))
            .values_list("statistic", "n")
        )
        figures = {code: counts[sid] for code in diff.indicators.keys("removed") if (sid := removed[code]) in counts}
    if plan is not None and diff.tasks.removed:
        counts = dict(
            ProgressReport.objects.filter(task__plan=plan, task__code__in=diff.tasks.keys("removed"))
            .values("task__code")
            .annotate(n=Count("pk"))
            .values_list("task__code", "n")
        )
        reports = {code: counts[code] for code in diff.tasks.keys("removed") if code in counts}
    return Preview(plan=plan, diff=diff, fingerprint=_fingerprint(old), figures=figures, reports=reports)


# Plan fields whose change moves every target's schedule: its results are recomputed.
PLAN_FIELDS_RECOMPUTED = {"baseline_year", "target_year"}


def plan_replace(*, plan, catalogue, confirm_removals, user, fingerprint=None):
    """Loads a new version of a plan's catalogue (plan None: a new plan, loaded as a draft) in one transaction,
    and removes the tasks and targets the file no longer lists. A removed target's results go with it; its
    statistic and the statistic's figures stay (other plans may read them). Refused (ReplaceRefused, nothing
    saved): what plan_preview refuses; a plan changed since the preview of `fingerprint` (StalePreview); and, unless
    `confirm_removals`, removing a target whose statistic has figures or a task with progress reports.
    Queues the recompute of the targets added or changed. Returns the Preview of what was done, with the plan."""
    with transaction.atomic():
        if plan is not None:
            plan = Plan.objects.select_for_update().get(pk=plan.pk)  # two administrators at once: one after the other
        preview = plan_preview(catalogue=catalogue, plan=plan)
        if fingerprint is not None and fingerprint != preview.fingerprint:
            raise StalePreview(gettext("The plan changed after this preview was made. Check the changes again."))
        if preview.needs_confirmation and not confirm_removals:
            raise ReplaceRefused(
                gettext("These removals need your confirmation: %(items)s.")
                % {"items": "; ".join(preview.confirmation_items())},
                items=preview.confirmation_items(),
            )
        diff = preview.diff
        loaded = plan_load(catalogue=catalogue)
        removed = Indicator.objects.filter(plan=loaded, code__in=diff.indicators.keys("removed"))
        removed_ids = list(removed.values_list("pk", flat=True))
        Indicator.objects.filter(pk__in=removed_ids).delete()  # its results and pending recomputes go with it
        Task.objects.filter(plan=loaded, code__in=diff.tasks.keys("removed")).delete()
        targets = Indicator.objects.filter(plan=loaded)
        if diff.new_plan or not PLAN_FIELDS_RECOMPUTED.isdisjoint(change.field for change in diff.plan):
            recompute = targets
        else:
            recompute = targets.filter(code__in=diff.indicators.keys("added") + diff.indicators.keys("changed"))
        figures_changed(indicator_ids=list(recompute.values_list("pk", flat=True)))
    logger.info(
        "Catalogue of %s loaded by %s: %s; targets added %s, changed %s, removed %s; tasks added %s, changed %s, "
        "removed %s",
        loaded.slug,
        getattr(user, "username", None) or "-",
        "new plan" if diff.new_plan else "plan fields changed: " + (",".join(c.field for c in diff.plan) or "none"),
        diff.indicators.keys("added"),
        diff.indicators.keys("changed"),
        diff.indicators.keys("removed"),
        diff.tasks.keys("added"),
        diff.tasks.keys("changed"),
        diff.tasks.keys("removed"),
    )
    return dataclasses.replace(preview, plan=loaded)


class TransitionRefused(Exception):
    """The plan cannot move to that state (plans move forward only), or no reason was given."""


@transaction.atomic
def plan_transition(*, plan, to, reason, user):
    """Moves a plan to its next state (draft → active → closed), keeping who, when and why."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # two administrators at once: one moves it
    if not reason.strip():
        raise TransitionRefused(gettext("Give the reason for the change."))
    if to != plan.next_status():
        raise TransitionRefused(
            gettext("The plan is %(status)s; it cannot become %(to)s.")
            % {"status": plan.get_status_display(), "to": Plan.Status(to).label}
        )
    PlanEvent.objects.create(plan=plan, from_status=plan.status, to_status=to, reason=reason.strip(), user=user)
    plan.status = to
    plan.save(update_fields=["status"])
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
