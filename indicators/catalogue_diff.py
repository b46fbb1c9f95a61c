"""What a catalogue file would change in a loaded plan: plan fields, tasks and targets (indicators) added,
changed (which fields, old → new) and removed, and the departments and regions it adds or changes.

Pure: no Django. Both sides are catalogue-shaped plain data, as `catalogue.read_catalogue` returns it; the
loaded side is built from the database by `plans.plan_catalogue`. The comparison follows what
`plans.plan_load` does with a file: a field the file may leave out to keep what is loaded (the plan's `slug`,
an indicator's `baseline_value`) is no change when it is left out, and departments and regions are shared by
every plan, so one the file does not list is never removed.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .catalogue import LOADED_FIELDS
from .formatting import plain

PLAN_FIELDS = ("name", "name_en", "document_number", "slug", "fictional", "adopted_on", "baseline_year", "target_year")
UNIT_FIELDS = ("name_en", "kind", "aliases")
TASK_FIELDS = ("title", "title_en", "text", "responsibility_text", "lead_departments", "cooperating_departments")
INDICATOR_FIELDS = ("statistic", "task", *LOADED_FIELDS, "baseline_value")
# Fields a file may leave out (or give as None) to keep what is loaded.
KEPT_WHEN_MISSING = {"plan": {"slug"}, "indicators": {"baseline_value"}}


@dataclass(frozen=True)
class Change:
    """One field of one item: its value loaded and in the file."""

    field: str
    old: object
    new: object

    @property
    def old_text(self):
        return display(self.old)

    @property
    def new_text(self):
        return display(self.new)


@dataclass(frozen=True)
class Entry:
    """An item of a list (a task, a target, a department), by its key (code or name) and a label for people;
    `changes` lists the fields that differ, for a changed item."""

    key: str
    label: str
    changes: tuple = ()


@dataclass(frozen=True)
class ListDiff:
    added: tuple = ()
    changed: tuple = ()
    removed: tuple = ()
    # The items both sides have stand in another order (the file's order is the plan's order on every page).
    reordered: bool = False

    def __bool__(self):
        return bool(self.added or self.changed or self.removed or self.reordered)

    def keys(self, which):
        return [entry.key for entry in getattr(self, which)]


@dataclass(frozen=True)
class CatalogueDiff:
    new_plan: bool  # no plan is loaded with the file's document number: loading it creates one
    plan: tuple = ()  # Changes of the plan's fields (none for a new plan)
    tasks: ListDiff = field(default_factory=ListDiff)
    indicators: ListDiff = field(default_factory=ListDiff)
    departments: ListDiff = field(default_factory=ListDiff)  # added and changed only
    regions: ListDiff = field(default_factory=ListDiff)

    @property
    def empty(self):
        """Loading the file would change nothing."""
        return not (self.new_plan or self.plan or self.tasks or self.indicators or self.departments or self.regions)


def catalogue_diff(old, new):
    """The difference from `old`, the loaded plan (None when there is none), to `new`, a parsed catalogue."""
    old = old or {}
    return CatalogueDiff(
        new_plan=not old,
        plan=_changes(old.get("plan"), new["plan"], PLAN_FIELDS, KEPT_WHEN_MISSING["plan"]) if old else (),
        tasks=_list_diff(old.get("tasks", []), new["tasks"], "code", "title", TASK_FIELDS),
        indicators=_list_diff(
            old.get("indicators", []),
            new["indicators"],
            "code",
            "name",
            INDICATOR_FIELDS,
            KEPT_WHEN_MISSING["indicators"],
        ),
        departments=_list_diff(
            old.get("departments", []), new["departments"], "name", "name_en", UNIT_FIELDS, keep=True
        ),
        regions=_list_diff(old.get("regions", []), new["regions"], "name", "name_en", UNIT_FIELDS, keep=True),
    )


def _list_diff(old_items, new_items, key, label, fields, kept_when_missing=(), keep=False):
    """Items matched on `key`. With `keep`, items missing from the file are not removed (shared units);
    and then the order is not compared either, the file lists only some of them."""
    old = {item[key]: item for item in old_items}
    new = {item[key]: item for item in new_items}
    added = tuple(Entry(k, item.get(label, "")) for k, item in new.items() if k not in old)
    removed = () if keep else tuple(Entry(k, item.get(label, "")) for k, item in old.items() if k not in new)
    changed = []
    for k, item in new.items():
        if k in old and (changes := _changes(old[k], item, fields, kept_when_missing)):
            changed.append(Entry(k, item.get(label, ""), changes))
    common_old = [k for k in old if k in new]
    common_new = [k for k in new if k in old]
    return ListDiff(
        added=added, changed=tuple(changed), removed=removed, reordered=not keep and common_old != common_new
    )


def _changes(old, new, fields, kept_when_missing=()):
    changes = []
    for name in fields:
        before, after = old.get(name), new.get(name)
        if after is None and name in kept_when_missing:
            continue
        if not _same(before, after):
            changes.append(Change(name, before, after))
    return tuple(changes)


def _same(a, b):
    # True == 1 in Python: a flag is only the same as a flag.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return a == b  # Decimal("15.500000") == Decimal("15.5") == 15.5 as Decimal; dates compare as dates


def display(value):
    """A value as a catalogue file writes it: 15.5 (not 15.500000), 2022-11-16, true / false, a list joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain(Decimal(str(value)))
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) if value else "—"
    return str(value)
