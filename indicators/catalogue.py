"""Reads the plan's catalogue (fixtures/plan.toml) into plain dicts, with defaults filled in, after checking
the whole file against fixtures/catalogue.schema.json and the cross-references between its tables.
No Django: the loader, the `load_plan --check` command and the tests share it."""

import datetime
import functools
import json
import re
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import jsonschema

from . import kinds
from .kinds import gettext_noop

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CATALOGUE_PATH = FIXTURES / "plan.toml"
NEXT_PLAN_PATH = FIXTURES / "plan-next.toml"  # illustrative (示例), loaded by the demo beside the 14th plan
SCHEMA_PATH = FIXTURES / "catalogue.schema.json"
PLAN_TEXT_PATH = FIXTURES / "yingkou-energy-plan-2022.zh.txt"

# Kinds counted from zero never read a baseline value: giving one there is a mistake.
BASELINE_UNUSED = {code for code, entry in kinds.KINDS.items() if not entry.needs_baseline_value}
LISTS = ("departments", "regions", "tasks", "indicators")
# The fields with a pattern in the schema, and the pattern in words.
CODE_PATTERN_MESSAGE = gettext_noop("%(value)s: use only letters, digits and _, e.g. EI_GDP")
PATTERN_MESSAGES = {
    "slug": gettext_noop("%(value)s: use only lowercase letters, digits and hyphens, e.g. yingkou-14th"),
    "code": CODE_PATTERN_MESSAGE,
    "statistic": CODE_PATTERN_MESSAGE,  # a statistic's code, spelt like an indicator's
}
# JSON Schema's type names in the words of a TOML file.
TYPE_MESSAGES = {
    "string": gettext_noop("must be text in quotes"),
    "number": gettext_noop("must be a number"),
    "integer": gettext_noop("must be a whole number"),
    "boolean": gettext_noop("must be true or false"),
    "array": gettext_noop("must be a list in [ ]"),
    "object": gettext_noop("must be a table"),
}


# A target's fields as a catalogue gives them (baseline_value apart: a file may leave it out to keep it).
LOADED_FIELDS = (
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


class Problem(NamedTuple):
    """One thing wrong in a catalogue file: its line (1-based), the field path, e.g. `indicators[3].kind`
    (tables counted from 1, as they appear in the file), and an English message (a msgid) with its params."""

    line: int
    field: str
    message: str
    params: tuple = ()  # (name, value) pairs, so that a problem stays hashable and comparable

    @property
    def text(self):
        return self.message % dict(self.params) if self.params else self.message

    def __str__(self):
        return f"line {self.line}: {self.field}: {self.text}" if self.field else f"line {self.line}: {self.text}"


def problem(line, field, message, **params):
    return Problem(line, field, message, tuple((name, str(value)) for name, value in params.items()))


def at(lines, path, message, **params):
    """A problem at a field path such as ("indicators", 2, "kind"), on that field's line."""
    return problem(lines.of(path), field_name(path), message, **params)


class CatalogueError(ValueError):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_catalogue(path=CATALOGUE_PATH):
    with open(path, "rb") as file:
        return parse_catalogue(file.read())


def parse_catalogue(source):
    """A catalogue file's text (str or bytes, e.g. an upload) read as read_catalogue reads a file: plain dicts
    with the defaults filled in, or CatalogueError with every problem."""
    data, problems = _parse(source)
    if problems:
        raise CatalogueError(problems)
    plan = {"fictional": False, **data["plan"]}
    return {
        "plan": plan,
        "departments": [{"aliases": [], **d} for d in data["departments"]],
        "regions": [{"aliases": [], **r} for r in data["regions"]],
        "tasks": data["tasks"],
        "indicators": [_with_defaults(i, plan) for i in data["indicators"]],
    }


def check(source):
    """Every problem of a catalogue file (str or bytes), in line order; an empty list when it can be loaded."""
    return _parse(source)[1]


def _parse(source):
    """(data, problems): the TOML read with Decimal numbers, and everything wrong with it."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")  # a BOM, as Notepad writes, is not a mistake
        except UnicodeDecodeError as error:
            line = source[: error.start].count(b"\n") + 1
            return None, [problem(line, "", gettext_noop("the file is not UTF-8 text"))]
    try:
        # Decimal, not float: 15.5 must stay 15.5 all the way to the database.
        data = tomllib.loads(source, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(error, source)]
    lines = Lines(source)
    problems = _schema_problems(data, lines) + _reference_problems(data, lines)
    return data, sorted(dict.fromkeys(problems), key=lambda p: (p.line, p.field))


def _syntax_problem(error, source):
    # Python 3.11's TOMLDecodeError has no lineno; its message ends "(at line N, column M)".
    found = re.search(r"at line (\d+)", str(error))
    line = int(found.group(1)) if found else source.count("\n") + 1
    return problem(line, "", gettext_noop("this is not valid TOML: %(error)s"), error=str(error))


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
    # The statistic the target reads: the one with its own code, unless the file names another (e.g. EI_GDP).
    indicator = {**defaults, "statistic": indicator["code"], **indicator}
    indicator["target_value"] = Decimal(indicator["target_value"])
    return indicator


class Lines:
    """Where each table and key stands in the TOML text. tomllib gives no positions, so this scans the lines:
    `[plan]` and `[[indicators]]` headers (array tables counted from 1 in order), then `key =` lines below them.
    Lines inside multi-line strings are skipped so that a task text cannot pass for a key."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_-]+)\s*\]\]?")
    KEY = re.compile(r"^\s*(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z0-9_-]+))\s*[=.]")

    def __init__(self, text):
        self.headers, self.keys, counts = {}, {}, Counter()
        block, in_string = (None, None), None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string is None and (header := self.HEADER.match(line)):
                name = header.group(2)
                if header.group(1) == "[[":
                    counts[name] += 1
                block = (name, counts[name] if header.group(1) == "[[" else None)
                self.headers.setdefault(block, number)
            elif in_string is None and (key := self.KEY.match(line)):
                self.keys.setdefault((*block, next(g for g in key.groups() if g)), number)
            in_string = self._string_state(line, in_string)

    @staticmethod
    def _string_state(line, in_string):
        """The multi-line string delimiter still open after this line, or None."""
        for quote in re.findall(r'"""|\'\'\'', line):
            if in_string is None:
                in_string = quote
            elif quote == in_string:
                in_string = None
        return in_string

    def of(self, path):
        """The line of a path such as ("indicators", 3, "kind"); the nearest enclosing table's when unknown."""
        table, rest = (path[0], path[1:]) if path else (None, ())
        index = None
        if rest and isinstance(rest[0], int):
            index, rest = rest[0] + 1, rest[1:]
        key = rest[0] if rest else None
        return (
            self.keys.get((table, index, key)) or self.headers.get((table, index)) or self.headers.get((table, 1)) or 1
        )


def field_name(path):
    """("indicators", 2, "kind") -> "indicators[3].kind": list positions counted from 1, as in the file."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator():
    schema = _schema()
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _schema_problems(data, lines):
    problems = []
    for error in _validator().iter_errors(_as_json(data)):
        problems += _explain(error, lines)
    return problems


def _as_json(data):
    """The data as the schema sees it: the plan's TOML date as the ISO text JSON would hold (the only place a
    date belongs; a date anywhere else stays a date and is reported as not text)."""
    plan = data.get("plan")
    if isinstance(plan, dict) and _is_date(plan.get("adopted_on")):
        return {**data, "plan": {**plan, "adopted_on": plan["adopted_on"].isoformat()}}
    return data


def _is_date(value):
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _explain(error, lines):
    """Problems of one schema error, in words an administrator can act on, each on its own line."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = [key for key in error.instance if key not in error.schema.get("properties", {})]
        message = gettext_noop("unknown field %(name)s (misspelt?)")
        return [at(lines, (*path, key), message, name=key) for key in extra]
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return [problem(lines.of(path), field_name((*path, key)), gettext_noop("is missing")) for key in missing]
    message, params = _wording(error)
    return [at(lines, path, message, **params)]


def _wording(error):
    """(message, params) for one schema error."""
    if error.schema.get("format") == "date":  # also a TOML date with a time, which is no date to the schema
        return gettext_noop("%(value)s is not a date (YYYY-MM-DD)"), {"value": error.instance}
    match error.validator:
        case "type" if error.validator_value in TYPE_MESSAGES:
            return TYPE_MESSAGES[error.validator_value], {}
        case "enum":
            params = {"value": error.instance, "choices": ", ".join(map(str, error.validator_value))}
            if error.absolute_path and error.absolute_path[-1] == "kind":
                return gettext_noop("unknown kind %(value)s; one of: %(choices)s"), params
            return gettext_noop("%(value)s is not one of: %(choices)s"), params
        case "minLength":
            return gettext_noop("must not be empty"), {}
        case "maxLength":
            return gettext_noop("is longer than %(limit)s characters"), {"limit": error.validator_value}
        case "pattern" if error.absolute_path and error.absolute_path[-1] in PATTERN_MESSAGES:
            return PATTERN_MESSAGES[error.absolute_path[-1]], {"value": error.instance}
        case "minimum" | "maximum":
            limits = {"minimum": error.schema.get("minimum"), "maximum": error.schema.get("maximum")}
            return gettext_noop("%(value)s is not between %(minimum)s and %(maximum)s"), {
                "value": error.instance,
                **limits,
            }
    return gettext_noop("does not fit the format: %(error)s"), {"error": error.message}


def _reference_problems(data, lines):
    """What the schema cannot say: duplicates, references between tables, years, kind-specific fields.
    Reads defensively: an item the schema already faulted must not crash these checks."""
    tables = {name: _items(data, name) for name in LISTS}
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    return (
        _duplicates(tables, lines)
        + _unknown_departments(tables, lines)
        + _unknown_tasks(tables, lines)
        + _year_problems(plan, tables["indicators"], lines)
        + _kind_problems(tables["indicators"], lines)
    )


def _items(data, name):
    items = data.get(name)
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)] if isinstance(items, list) else []


def _strings(items, key):
    """The text values of `key`; others (a list where a name belongs) the schema reports already."""
    return {item[key] for _, item in items if isinstance(item.get(key), str)}


def _duplicates(tables, lines):
    problems = []
    for name, key in (("departments", "name"), ("regions", "name"), ("tasks", "code"), ("indicators", "code")):
        seen = set()
        for i, item in tables[name]:
            value = item.get(key)
            if isinstance(value, str) and value in seen:
                message = gettext_noop("%(value)s is already used above")
                problems.append(at(lines, (name, i, key), message, value=value))
            if isinstance(value, str):
                seen.add(value)
    return problems


def _unknown_departments(tables, lines):
    known = _strings(tables["departments"], "name")
    problems = []
    for i, task in tables["tasks"]:
        for key in ("lead_departments", "cooperating_departments"):
            names = task.get(key) if isinstance(task.get(key), list) else []
            for name in names:
                if isinstance(name, str) and name not in known:
                    message = gettext_noop("unknown department %(name)s")
                    problems.append(at(lines, ("tasks", i, key), message, name=name))
    return problems


def _unknown_tasks(tables, lines):
    known = _strings(tables["tasks"], "code")
    problems = []
    for i, indicator in tables["indicators"]:
        task = indicator.get("task")
        if isinstance(task, str) and task not in known:
            message = gettext_noop("unknown task %(task)s")
            problems.append(at(lines, ("indicators", i, "task"), message, task=task))
    return problems


def _year_problems(plan, indicators, lines):
    message = gettext_noop("target year %(target)s is not after baseline year %(baseline)s")
    problems = []
    if _is_year(plan.get("baseline_year")) and _is_year(plan.get("target_year")):
        if plan["target_year"] <= plan["baseline_year"]:
            years = {"target": plan["target_year"], "baseline": plan["baseline_year"]}
            problems.append(at(lines, ("plan", "target_year"), message, **years))
    for i, indicator in indicators:
        if "baseline_year" not in indicator and "target_year" not in indicator:
            continue  # Both from [plan], checked above.
        baseline, target = (indicator.get(key, plan.get(key)) for key in ("baseline_year", "target_year"))
        if _is_year(baseline) and _is_year(target) and target <= baseline:
            key = "target_year" if "target_year" in indicator else "baseline_year"
            problems.append(at(lines, ("indicators", i, key), message, target=target, baseline=baseline))
    return problems


def _is_year(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _kind_problems(indicators, lines):
    problems = []
    for i, indicator in indicators:
        kind = indicator.get("kind")
        if indicator.get("energy_components") is True and kind != kinds.RELATIVE_REDUCTION:
            message = gettext_noop("energy components need kind relative_reduction")
            problems.append(at(lines, ("indicators", i, "energy_components"), message))
        if "baseline_value" in indicator and kind in BASELINE_UNUSED:
            message = gettext_noop("an indicator of kind %(kind)s has no baseline value")
            problems.append(at(lines, ("indicators", i, "baseline_value"), message, kind=kind))
    return problems
