"""catalogue.check: every problem of a catalogue file at once, each on its TOML line and field path. No database."""

import json

import jsonschema
import pytest

from departments.models import Department, Region
from indicators import kinds
from indicators.catalogue import CATALOGUE_PATH, SCHEMA_PATH, CatalogueError, Lines, check, read_catalogue

# A small valid catalogue; the cases below change one of its lines (numbered from 1) and expect the problems there.
VALID = """\
[plan]
name = "示例方案"
name_en = "Example plan"
document_number = "示例〔2022〕1号"
adopted_on = 2022-01-01
baseline_year = 2020
target_year = 2025

[[departments]]
name = "市发改委"
name_en = "Development and Reform Commission"
kind = "municipal"

[[departments]]
name = "市工信局"
name_en = "Industry Bureau"
kind = "municipal"

[[regions]]
name = "站前区"
name_en = "Zhanqian District"
kind = "district"

[[tasks]]
code = "三（一）"
title = "任务"
title_en = "Task"
responsibility_text = "市发改委负责"
lead_departments = ["市发改委"]
cooperating_departments = ["市工信局"]
text = \"\"\"\\
code = "这一行是正文，不是字段"\"\"\"

[[indicators]]
code = "A"
section = "二"
task = "三（一）"
name = "指标甲"
name_en = "Indicator A"
unit = "%"
kind = "at_least"
target_value = 50
source_text = "达到50%"

[[indicators]]
code = "B"
section = "二"
task = "三（一）"
name = "指标乙"
name_en = "Indicator B"
unit = "吨标准煤/万元"
kind = "relative_reduction"
target_value = 15.5
source_text = "下降15.5%"
"""


def edited(line, text):
    """VALID with its line `line` replaced by `text` (which may hold several lines, or none)."""
    lines = VALID.splitlines()
    assert lines[line - 1], "a case must replace a line that has something on it"
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def where(problems):
    return {(p.line, p.field) for p in problems}


def test_the_valid_example_and_the_shipped_plan_pass():
    assert check(VALID) == []
    assert check(CATALOGUE_PATH.read_bytes()) == []


BROKEN = {
    "duplicate indicator code": (46, 'code = "A"', {(46, "indicators[2].code")}),
    "duplicate task code": (
        24,
        '[[tasks]]\ncode = "三（一）"\ntitle = "t"\ntitle_en = ""\nresponsibility_text = ""\nlead_departments = []\n'
        'cooperating_departments = []\ntext = "t"\n\n[[tasks]]',
        {(34, "tasks[2].code")},
    ),
    "duplicate department name": (
        15,
        'name = "市发改委"',
        {(15, "departments[2].name"), (30, "tasks[1].cooperating_departments")},  # 市工信局 is gone
    ),
    "unknown department": (29, 'lead_departments = ["市发改委", "市环保局"]', {(29, "tasks[1].lead_departments")}),
    "unknown cooperating department": (
        30,
        'cooperating_departments = ["市工新局"]',
        {(30, "tasks[1].cooperating_departments")},
    ),
    "unknown task": (37, 'task = "三（二）"', {(37, "indicators[1].task")}),
    "unknown kind": (41, 'kind = "at_leest"', {(41, "indicators[1].kind")}),
    "unknown department kind": (12, 'kind = "bureau"', {(12, "departments[1].kind")}),
    "plan target year before baseline": (7, "target_year = 2019", {(7, "plan.target_year")}),
    "indicator target year equal to baseline": (
        43,
        'source_text = "达到50%"\ntarget_year = 2020',
        {(44, "indicators[1].target_year")},
    ),
    "indicator baseline year after plan target": (
        43,
        'source_text = "达到50%"\nbaseline_year = 2025',
        {(44, "indicators[1].baseline_year")},
    ),
    "bad TOML": (42, "target_value = = 50", {(42, "")}),
    "bad TOML: unclosed string": (54, 'source_text = "下降15.5%', {(54, "")}),
    "misspelt field": (
        43,
        'sorce_text = "达到50%"',
        {(43, "indicators[1].sorce_text"), (34, "indicators[1].source_text")},
    ),
    "misspelt table": (9, "[[department]]", {(9, "department"), (29, "tasks[1].lead_departments")}),
    "missing field": (40, "", {(34, "indicators[1].unit")}),
    "wrong type: number as text": (42, 'target_value = "50"', {(42, "indicators[1].target_value")}),
    "wrong type: text as boolean": (
        43,
        'source_text = "达到50%"\nby_region = "yes"',
        {(44, "indicators[1].by_region")},
    ),
    "wrong type: one name, not a list": (29, 'lead_departments = "市发改委"', {(29, "tasks[1].lead_departments")}),
    "wrong type: year as text": (6, 'baseline_year = "2020"', {(6, "plan.baseline_year")}),
    "not a date": (5, 'adopted_on = "2022-02-30"', {(5, "plan.adopted_on")}),
    "a list where a name belongs": (
        10,
        'name = ["市发改委"]',
        {(10, "departments[1].name"), (29, "tasks[1].lead_departments")},
    ),
    "a table where a code belongs": (
        25,
        "code = { a = 1 }",
        {(25, "tasks[1].code"), (37, "indicators[1].task"), (48, "indicators[2].task")},
    ),
    "a date with a time": (5, "adopted_on = 2022-02-01T09:00:00", {(5, "plan.adopted_on")}),
    "a date where text belongs": (
        10,
        "name = 2022-02-01",
        {(10, "departments[1].name"), (29, "tasks[1].lead_departments")},
    ),
    "empty code": (35, 'code = ""', {(35, "indicators[1].code")}),
    "code with a space": (35, 'code = "A 1"', {(35, "indicators[1].code")}),
    "statistic with a space": (35, 'code = "A"\nstatistic = "EI GDP"', {(36, "indicators[1].statistic")}),
    "statistic with a hyphen": (
        54,
        'source_text = "下降15.5%"\nstatistic = "EI-GDP"',
        {(55, "indicators[2].statistic")},
    ),
    "empty statistic": (35, 'code = "A"\nstatistic = ""', {(36, "indicators[1].statistic")}),
    "statistic as a number": (35, 'code = "A"\nstatistic = 1', {(36, "indicators[1].statistic")}),
    "slug with capitals": (7, 'target_year = 2025\nslug = "Yingkou 14"', {(8, "plan.slug")}),
    "fictional as text": (7, 'target_year = 2025\nfictional = "no"', {(8, "plan.fictional")}),
    "energy components on a level target": (
        43,
        'source_text = "达到50%"\nenergy_components = true',
        {(44, "indicators[1].energy_components")},
    ),
    "baseline value on a cumulative total": (
        41,
        'kind = "cumulative_total"\nbaseline_value = 3',
        {(42, "indicators[1].baseline_value")},
    ),
}


@pytest.mark.parametrize(("line", "text", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_catalogue_names_each_problem_on_its_line_and_field(line, text, expected):
    assert where(check(edited(line, text))) == expected


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (7, 'target_year = 2025\nslug = "yingkou-14th-5"\nfictional = true'),
        (5, 'adopted_on = "2022-01-01"'),
        (43, 'source_text = "达到50%"\nbaseline_value = 40\nnote = ""\nunit_en = "%"\nstrict = true'),
        (54, 'source_text = "下降15.5%"\nenergy_components = true\nbinding = true\nby_region = true'),
        (35, 'code = "A"\nstatistic = "EI_GDP"'),
    ],
)
def test_optional_fields_are_accepted(line, text):
    assert check(edited(line, text)) == []


def test_every_problem_is_found_at_once_in_line_order():
    text = edited(41, 'kind = "at_leest"').replace('code = "B"', 'code = "A"').replace("target_year = 2025", "x = 1")
    assert [(p.line, p.field) for p in check(text)] == [
        (1, "plan.target_year"),
        (7, "plan.x"),
        (41, "indicators[1].kind"),
        (46, "indicators[2].code"),
    ]


def test_bytes_are_read_as_utf8_and_other_encodings_refused():
    assert check(VALID.encode()) == []
    assert where(check(VALID.encode("gb18030"))) == {(2, "")}


def test_a_multiline_text_cannot_pass_for_a_field():
    # Line 32 of VALID, inside the task's text, reads `code = ...`; the task's code is on line 25.
    assert Lines(VALID).of(("tasks", 0, "code")) == 25
    assert Lines(VALID).of(("tasks", 0, "title_en")) == 27


def test_read_catalogue_raises_every_problem_one_per_line(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(edited(41, 'kind = "at_leest"').replace('code = "B"', 'code = "A"'), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        read_catalogue(path)
    assert [(p.line, p.field) for p in raised.value.problems] == [
        (41, "indicators[1].kind"),
        (46, "indicators[2].code"),
    ]
    assert str(raised.value).splitlines() == [
        "line 41: indicators[1].kind: unknown kind at_leest; one of: " + ", ".join(kinds.MEASURES_BY_KIND),
        "line 46: indicators[2].code: A is already used above",
    ]


def test_a_bad_statistic_is_refused_with_its_line_field_and_the_rule(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(edited(35, 'code = "A"\nstatistic = "EI GDP"'), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        read_catalogue(path)
    assert str(raised.value).splitlines() == [
        "line 36: indicators[1].statistic: EI GDP: use only letters, digits and _, e.g. EI_GDP"
    ]


def test_read_catalogue_fills_in_the_defaults(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(VALID, encoding="utf-8")
    catalogue = read_catalogue(path)
    assert catalogue["plan"]["fictional"] is False
    assert catalogue["departments"][0]["aliases"] == []
    first = catalogue["indicators"][0]
    assert (first["baseline_year"], first["target_year"], first["baseline_value"], first["binding"]) == (
        2020,
        2025,
        None,
        False,
    )
    assert str(catalogue["indicators"][1]["target_value"]) == "15.5"
    # Every target reads a statistic: the one with its own code when the file names none.
    assert [i["statistic"] for i in catalogue["indicators"]] == ["A", "B"]


def test_a_named_statistic_is_kept(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(edited(46, 'code = "B"\nstatistic = "A"'), encoding="utf-8")
    indicators = read_catalogue(path)["indicators"]
    assert [(i["code"], i["statistic"]) for i in indicators] == [("A", "A"), ("B", "A")]


def test_the_schema_lists_the_kinds_the_code_knows():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    items = {
        name: schema["properties"][name]["items"]["properties"] for name in ("departments", "regions", "indicators")
    }
    assert items["indicators"]["kind"]["enum"] == list(kinds.MEASURES_BY_KIND)
    assert items["departments"]["kind"]["enum"] == list(Department.Kind.values)
    assert items["regions"]["kind"]["enum"] == list(Region.Kind.values)


DOCS = (SCHEMA_PATH.parent.parent / "docs" / "catalogue.md").read_text(encoding="utf-8")


def test_the_documented_example_passes():
    example = DOCS.split("```toml\n", 1)[1].split("```", 1)[0]
    assert check(example) == []


def test_the_documentation_names_every_field_and_kind():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    tables = {"plan": schema["properties"]["plan"]} | {
        name: schema["properties"][name]["items"] for name in ("departments", "regions", "tasks", "indicators")
    }
    names = {field for table in tables.values() for field in table["properties"]} | set(kinds.MEASURES_BY_KIND)
    assert {name for name in names if f"`{name}`" not in DOCS} == set()


WRONG_VALUES = ("[1, 2]", "{ a = 1 }", "2022-01-01", "true", "-1", '""', '"x"')


@pytest.mark.parametrize("line", [n for n, text in enumerate(VALID.splitlines(), start=1) if " = " in text])
def test_any_wrong_value_or_missing_line_is_reported_not_crashed_on(line):
    key = VALID.splitlines()[line - 1].split(" = ")[0]
    for text in ("", *(f"{key} = {value}" for value in WRONG_VALUES)):
        for found in check(edited(line, text)):
            assert 1 <= found.line <= VALID.count("\n") + 1 and str(found)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
