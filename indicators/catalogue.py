"""Reads the plan's catalogue (fixtures/plan.toml) into plain dicts, with defaults filled in and
cross-references checked. No Django: the loader and the tests share it."""

import tomllib
from decimal import Decimal
from pathlib import Path

from . import kinds

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CATALOGUE_PATH = FIXTURES / "plan.toml"
PLAN_TEXT_PATH = FIXTURES / "yingkou-energy-plan-2022.zh.txt"


class CatalogueError(ValueError):
    pass


def read_catalogue(path=CATALOGUE_PATH):
    with open(path, "rb") as file:
        # Decimal, not float: 15.5 must stay 15.5 all the way to the database.
        data = tomllib.load(file, parse_float=Decimal)
    plan = data["plan"]
    departments = [{"aliases": [], **d} for d in data["departments"]]
    regions = [{"aliases": [], **r} for r in data["regions"]]
    indicators = [_with_defaults(i, plan) for i in data["indicators"]]
    catalogue = {
        "plan": plan,
        "departments": departments,
        "regions": regions,
        "tasks": data["tasks"],
        "indicators": indicators,
    }
    _check(catalogue)
    return catalogue


def _with_defaults(indicator, plan):
    defaults = {
        "baseline_year": plan["baseline_year"],
        "target_year": plan["target_year"],
        "baseline_value": None,
        "binding": False,
        "by_region": False,
        "strict": False,
        "energy_components": False,
        "note": "",
        "unit_en": "",
    }
    indicator = {**defaults, **indicator}
    indicator["target_value"] = Decimal(indicator["target_value"])
    return indicator


def _check(catalogue):
    department_names = {d["name"] for d in catalogue["departments"]}
    task_codes = {t["code"] for t in catalogue["tasks"]}
    problems = []
    for task in catalogue["tasks"]:
        for name in task["lead_departments"] + task["cooperating_departments"]:
            if name not in department_names:
                problems.append(f"task {task['code']}: unknown department {name}")
    codes = [i["code"] for i in catalogue["indicators"]]
    if len(codes) != len(set(codes)):
        problems.append("indicator codes are not unique")
    for indicator in catalogue["indicators"]:
        if indicator["task"] not in task_codes:
            problems.append(f"indicator {indicator['code']}: unknown task {indicator['task']}")
        if indicator["kind"] not in kinds.MEASURES_BY_KIND:
            problems.append(f"indicator {indicator['code']}: unknown kind {indicator['kind']}")
        if indicator["energy_components"] and indicator["kind"] != kinds.RELATIVE_REDUCTION:
            problems.append(f"indicator {indicator['code']}: energy components need a relative reduction")
    if problems:
        raise CatalogueError("; ".join(problems))
