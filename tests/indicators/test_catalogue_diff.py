"""catalogue_diff: what a catalogue file would change in a loaded plan. Plain data, no database."""

import copy
import datetime
from decimal import Decimal

import pytest

from indicators.catalogue_diff import Change, catalogue_diff, display


def indicator(code, task="三（一）", **fields):
    return {
        "code": code,
        "statistic": code,
        "section": "二",
        "task": task,
        "name": f"指标{code}",
        "name_en": f"Indicator {code}",
        "unit": "%",
        "unit_en": "",
        "kind": "at_least",
        "baseline_year": 2020,
        "baseline_value": None,
        "target_year": 2025,
        "target_value": Decimal("90"),
        "binding": False,
        "by_region": False,
        "strict": False,
        "energy_components": False,
        "source_text": "原文",
        "note": "",
    } | fields


def task(code, **fields):
    return {
        "code": code,
        "title": f"任务{code}",
        "title_en": "",
        "text": "正文",
        "responsibility_text": "",
        "lead_departments": ["市发改委"],
        "cooperating_departments": [],
    } | fields


BASE = {
    "plan": {
        "name": "示例方案",
        "name_en": "Example plan",
        "document_number": "示例〔2022〕1号",
        "slug": "example",
        "fictional": False,
        "adopted_on": datetime.date(2022, 1, 1),
        "baseline_year": 2020,
        "target_year": 2025,
    },
    "departments": [
        {"name": "市发改委", "name_en": "DRC", "kind": "municipal", "aliases": []},
        {"name": "市工信局", "name_en": "MIIT", "kind": "municipal", "aliases": []},
    ],
    "regions": [{"name": "站前区", "name_en": "Zhanqian", "kind": "district", "aliases": []}],
    "tasks": [task("三（一）"), task("三（二）")],
    "indicators": [
        indicator("EI_GDP", kind="relative_reduction", target_value=Decimal("15.5"), binding=True),
        indicator("COD", task="三（二）", kind="cumulative_total", target_value=Decimal("3472")),
        indicator("STRAW_USE", baseline_value=Decimal("87.5")),
    ],
}


def edited(**changes):
    """BASE with some edits: plan=dict merges into [plan]; indicators/tasks=function(list) -> list."""
    data = copy.deepcopy(BASE)
    for key, edit in changes.items():
        data[key] = data[key] | edit if isinstance(edit, dict) else edit(data[key])
    return data


def changed(items, key, **fields):
    return [item | fields if item.get("code", item.get("name")) == key else item for item in items]


def without(items, key):
    return [item for item in items if item.get("code", item.get("name")) != key]


@pytest.mark.parametrize(
    "new, plan_changes",
    [
        (edited(), []),
        (edited(plan={"name": "新方案"}), [Change("name", "示例方案", "新方案")]),
        (edited(plan={"target_year": 2030}), [Change("target_year", 2025, 2030)]),
        (
            edited(plan={"adopted_on": datetime.date(2022, 2, 1)}),
            [Change("adopted_on", datetime.date(2022, 1, 1), datetime.date(2022, 2, 1))],
        ),
        (edited(plan={"fictional": True}), [Change("fictional", False, True)]),
        (edited(plan={"slug": "renamed"}), [Change("slug", "example", "renamed")]),
        # A file without a slug keeps the loaded one (plan_load does).
        (edited(plan={"slug": None}), []),
    ],
)
def test_plan_fields(new, plan_changes):
    assert list(catalogue_diff(BASE, new).plan) == plan_changes


@pytest.mark.parametrize(
    "new, added, changes, removed",
    [
        (edited(), [], {}, []),
        (
            edited(indicators=lambda items: changed(items, "EI_GDP", target_value=Decimal("16"))),
            [],
            {"EI_GDP": [Change("target_value", Decimal("15.5"), Decimal("16"))]},
            [],
        ),
        # The database's 15.500000 is the file's 15.5.
        (edited(indicators=lambda items: changed(items, "EI_GDP", target_value=Decimal("15.500000"))), [], {}, []),
        (
            edited(indicators=lambda items: changed(items, "COD", task="三（一）", binding=True)),
            [],
            {"COD": [Change("task", "三（二）", "三（一）"), Change("binding", False, True)]},
            [],
        ),
        (
            edited(indicators=lambda items: changed(items, "EI_GDP", statistic="EI_GDP_2")),
            [],
            {"EI_GDP": [Change("statistic", "EI_GDP", "EI_GDP_2")]},
            [],
        ),
        # A baseline value left out of the file keeps the one loaded (or entered on the site).
        (edited(indicators=lambda items: changed(items, "STRAW_USE", baseline_value=None)), [], {}, []),
        (
            edited(indicators=lambda items: changed(items, "STRAW_USE", baseline_value=Decimal("88"))),
            [],
            {"STRAW_USE": [Change("baseline_value", Decimal("87.5"), Decimal("88"))]},
            [],
        ),
        (edited(indicators=lambda items: [*items, indicator("NEW")]), ["NEW"], {}, []),
        (edited(indicators=lambda items: without(items, "COD")), [], {}, ["COD"]),
        (
            edited(indicators=lambda items: [*without(items, "COD"), indicator("NEW", name="新")]),
            ["NEW"],
            {},
            ["COD"],
        ),
    ],
)
def test_targets(new, added, changes, removed):
    diff = catalogue_diff(BASE, new).indicators
    assert diff.keys("added") == added
    assert {entry.key: list(entry.changes) for entry in diff.changed} == changes
    assert diff.keys("removed") == removed
    assert not diff.reordered


@pytest.mark.parametrize(
    "new, added, changes, removed",
    [
        (edited(tasks=lambda items: [*items, task("三（三）")]), ["三（三）"], {}, []),
        (edited(tasks=lambda items: without(items, "三（二）")), [], {}, ["三（二）"]),
        (
            edited(tasks=lambda items: changed(items, "三（一）", lead_departments=["市工信局"])),
            [],
            {"三（一）": [Change("lead_departments", ["市发改委"], ["市工信局"])]},
            [],
        ),
        (
            edited(tasks=lambda items: changed(items, "三（二）", title="新标题", text="新正文")),
            [],
            {"三（二）": [Change("title", "任务三（二）", "新标题"), Change("text", "正文", "新正文")]},
            [],
        ),
    ],
)
def test_tasks(new, added, changes, removed):
    diff = catalogue_diff(BASE, new).tasks
    assert diff.keys("added") == added
    assert {entry.key: list(entry.changes) for entry in diff.changed} == changes
    assert diff.keys("removed") == removed


@pytest.mark.parametrize(
    "new, which",
    [
        (edited(tasks=lambda items: items[::-1]), "tasks"),
        (edited(indicators=lambda items: items[::-1]), "indicators"),
    ],
)
def test_a_new_order_is_a_change(new, which):
    diff = catalogue_diff(BASE, new)
    assert getattr(diff, which).reordered and not diff.empty
    assert not getattr(diff, which).added and not getattr(diff, which).removed


@pytest.mark.parametrize(
    "new, added, changed_names",
    [
        (
            edited(departments=lambda items: [*items, {"name": "市新局", "name_en": "", "kind": "municipal"}]),
            ["市新局"],
            [],
        ),
        (edited(departments=lambda items: changed(items, "市工信局", aliases=["工信局"])), [], ["市工信局"]),
        # Departments are shared by every plan: one the file leaves out is not removed.
        (edited(departments=lambda items: items[:1]), [], []),
    ],
)
def test_departments_are_added_or_changed_never_removed(new, added, changed_names):
    diff = catalogue_diff(BASE, new).departments
    assert (diff.keys("added"), diff.keys("changed"), diff.keys("removed")) == (added, changed_names, [])
    assert not diff.reordered


def test_an_identical_file_changes_nothing():
    diff = catalogue_diff(BASE, copy.deepcopy(BASE))
    assert diff.empty and not diff.new_plan


def test_a_file_for_a_new_plan_adds_everything():
    diff = catalogue_diff(None, BASE)
    assert diff.new_plan and not diff.empty and diff.plan == ()
    assert diff.tasks.keys("added") == ["三（一）", "三（二）"]
    assert diff.indicators.keys("added") == ["EI_GDP", "COD", "STRAW_USE"]
    assert diff.indicators.keys("removed") == [] and diff.indicators.changed == ()


def test_entries_carry_a_label_for_people():
    new = edited(indicators=lambda items: [*without(items, "COD"), indicator("NEW", name="新指标")])
    diff = catalogue_diff(BASE, new).indicators
    assert [(e.key, e.label) for e in diff.added + diff.removed] == [("NEW", "新指标"), ("COD", "指标COD")]


def test_the_inputs_are_not_changed():
    old, new = copy.deepcopy(BASE), edited(indicators=lambda items: without(items, "COD"))
    before = copy.deepcopy((old, new))
    catalogue_diff(old, new)
    assert (old, new) == before


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("15.500000"), "15.5"),
        (Decimal("3472.000000"), "3472"),
        (Decimal("1E+3"), "1000"),
        (0.1, "0.1"),
        (2025, "2025"),
        (None, "—"),
        (True, "true"),
        (False, "false"),
        (datetime.date(2022, 11, 16), "2022-11-16"),
        (["市发改委", "市工信局"], "市发改委、市工信局"),
        ([], "—"),
        ("文本", "文本"),
    ],
)
def test_values_are_shown_as_a_file_writes_them(value, text):
    assert display(value) == text
    assert Change("f", value, value).old_text == text
