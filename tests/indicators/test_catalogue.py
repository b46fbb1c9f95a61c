"""The catalogue (fixtures/plan.toml) checked against the plan's own text. No database."""

import re
from collections import Counter
from decimal import Decimal

import pytest

from indicators import kinds
from indicators.catalogue import PLAN_TEXT_PATH, CatalogueError, read_catalogue

PLAN_TEXT = PLAN_TEXT_PATH.read_text(encoding="utf-8")


def plan_sections():
    """{code: paragraph} for every numbered section of parts 三, 四 and 五, read from the plan."""
    sections, part = {}, None
    for line in PLAN_TEXT.splitlines():
        if heading := re.match(r"^([一二三四五六七八九十])、", line):
            part = heading.group(1)
        elif (numbered := re.match(r"^\s*（([一二三四五六七八九十]+)）", line)) and part in "三四五":
            sections[f"{part}（{numbered.group(1)}）"] = line.strip()
    return sections


SECTIONS = plan_sections()


@pytest.fixture(scope="module")
def cat():
    return read_catalogue()


def by_code(items):
    return {item["code"]: item for item in items}


def test_the_plan_has_the_sections_the_issue_names():
    assert Counter(code[0] for code in SECTIONS) == {"三": 10, "四": 9, "五": 3}


def test_every_numbered_section_is_a_task_in_plan_order(cat):
    assert [t["code"] for t in cat["tasks"]] == list(SECTIONS)


def test_task_title_text_and_responsibility_are_the_plans_words(cat):
    for task in cat["tasks"]:
        paragraph = SECTIONS[task["code"]]
        assert paragraph.startswith(f"{task['code'][1:]}{task['title']}。")
        assert task["text"] in paragraph
        assert f"〔{task['responsibility_text']}〕" in paragraph


# (task, leads, cooperating) read by hand from the brackets of the plan. Where the plan lists
# departments without 牵头, all are responsible and count as leads.
RESPONSIBILITIES = [
    ("三（一）", 7, 0),
    ("三（四）", 11, 0),
    (
        "三（五）",
        ["市生态环境局", "市农业农村局（市乡村振兴局）", "市发改委（市能源局）"],
        ["市工信局", "市住建局", "市水利局", "市市场监管局"],
    ),
    ("三（六）", ["市机关事务管理服务中心"], []),
    (
        "三（七）",
        ["市发改委（市能源局）", "市工信局", "市生态环境局", "市水利局"],
        ["市住建局", "市农业农村局（市乡村振兴局）", "营口海事局"],
    ),
    ("三（九）", ["市工信局", "市生态环境局"], []),
    ("四（一）", ["市发改委（市能源局）"], ["市统计局"]),
    ("四（二）", ["市生态环境局", "市营商局（市审批局）"], []),
    (
        "四（三）",
        ["市发改委（市能源局）", "市工信局", "市生态环境局"],
        ["市营商局（市审批局）", "市市场监管局", "市金融发展局", "人民银行营口市中心支行", "营口银保监分局"],
    ),
    ("五（一）", ["市发改委（市能源局）", "市生态环境局"], []),
    ("五（二）", ["市发改委（市能源局）", "市生态环境局"], ["市委组织部"]),
    ("五（三）", 9, 0),
]


@pytest.mark.parametrize(("code", "leads", "cooperating"), RESPONSIBILITIES)
def test_leads_and_cooperating_departments(cat, code, leads, cooperating):
    task = by_code(cat["tasks"])[code]
    for expected, actual in ((leads, task["lead_departments"]), (cooperating, task["cooperating_departments"])):
        assert (len(actual) if isinstance(expected, int) else actual) == expected


def test_every_unit_named_in_a_bracket_is_one_department(cat):
    known = {}
    for department in cat["departments"]:
        for name in [department["name"], *department["aliases"]]:
            known[name] = department["name"]
    for code, paragraph in SECTIONS.items():
        bracket = re.search(r"〔(.*)〕", paragraph).group(1).split("，各县（市）区政府")[0]
        names = re.split(r"[、，]", re.sub(r"等?按职责分工负责|牵头|负责", "、", bracket))
        for name in filter(None, names):
            if name != "各有关部门":
                assert name in known, f"{code}: {name} is not in the catalogue"


def test_every_department_is_named_in_the_plan(cat):
    assert len(cat["departments"]) == 32
    for department in cat["departments"]:
        assert department["name"] in PLAN_TEXT or any(a in PLAN_TEXT for a in department["aliases"])


def test_one_department_per_organisation(cat):
    names = [n for d in cat["departments"] for n in [d["name"], *d["aliases"]]]
    assert len(names) == len(set(names))
    assert by_code([{"code": d["name"], **d} for d in cat["departments"]])["市发改委（市能源局）"]["aliases"] == [
        "市发改委",
        "市能源局",
    ]


def test_regions_are_the_county_level_governments_and_zones(cat):
    counties = [r["name"] for r in cat["regions"] if r["kind"] != "development_zone"]
    assert counties == ["站前区", "西市区", "鲅鱼圈区", "老边区", "大石桥市", "盖州市"]
    assert by_code([{"code": r["name"], **r} for r in cat["regions"]])["鲅鱼圈区"]["aliases"] == ["营口经济技术开发区"]
    assert any(r["kind"] == "development_zone" for r in cat["regions"])


def test_indicator_count_per_section(cat):
    assert Counter(i["section"] for i in cat["indicators"]) == {
        "二": 5, "三（一）": 5, "三（二）": 1, "三（三）": 3, "三（四）": 4, "三（五）": 6,
        "三（六）": 2, "三（七）": 2, "三（八）": 2, "三（九）": 3, "三（十）": 8,
    }  # fmt: skip


# (code, kind, target value, target year, binding), each read off the plan by hand.
TARGETS = [
    ("EI_GDP", "relative_reduction", "15.5", 2025, True),
    ("COD", "cumulative_total", "3472", 2025, True),
    ("NH3N", "cumulative_total", "35", 2025, True),
    ("NOX", "cumulative_total", "8787", 2025, True),
    ("VOCS", "cumulative_total", "1754", 2025, True),
    ("STEEL_ULE", "at_least", "80", 2025, False),
    ("DC_PUE", "at_most", "1.3", 2025, False),
    ("EI_INDUSTRY", "relative_reduction", "15.5", 2025, False),
    ("WATER_INDUSTRY", "relative_reduction", "10", 2025, False),
    ("PARK_CIRCULAR", "at_least", "100", 2025, False),
    ("CLEAN_HEATING", "at_least", "80", 2025, False),
    ("WATER_LEAKAGE", "at_most", "10", 2025, False),
    ("RURAL_SEWAGE", "at_least", "35", 2025, False),
    ("RURAL_BLACK_WATER", "milestone", "100", 2025, False),
    ("STRAW_USE", "at_least", "90", 2025, False),
    ("PUBLIC_ENERGY_CAPITA", "relative_reduction", "6", 2025, False),
    ("OUTFALL_REMEDIATION", "milestone", "100", 2023, False),
    ("GOOD_WATER_SECTIONS", "at_least", "75", 2025, False),
    ("SOLVENT_COATINGS", "point_reduction", "20", 2025, False),
    ("SOLVENT_INKS", "point_reduction", "10", 2025, False),
    ("SOLVENT_ADHESIVES", "relative_reduction", "20", 2025, False),
    ("SEWAGE_CAPACITY", "cumulative_total", "90", 2025, False),
    ("MEDICAL_WASTE", "at_least", "100", 2025, False),
]


@pytest.mark.parametrize(("code", "kind", "value", "year", "binding"), TARGETS)
def test_target(cat, code, kind, value, year, binding):
    indicator = by_code(cat["indicators"])[code]
    assert (indicator["kind"], indicator["target_value"], indicator["target_year"], indicator["binding"]) == (
        kind, Decimal(value), year, binding,
    )  # fmt: skip
    assert indicator["baseline_year"] == 2020


def test_only_the_five_headline_targets_are_binding(cat):
    assert [i["code"] for i in cat["indicators"] if i["binding"]] == ["EI_GDP", "COD", "NH3N", "NOX", "VOCS"]


def test_every_indicator_quotes_the_plan_and_its_number(cat):
    wording_all = ("全部", "全面", "应收尽收")
    for indicator in cat["indicators"]:
        source = indicator["source_text"]
        assert source in PLAN_TEXT, indicator["code"]
        if indicator["kind"] == kinds.MILESTONE:
            assert indicator["target_value"] == 100
            assert "基本" in source or "完成" in source, indicator["code"]
        elif any(word in source for word in wording_all):
            assert indicator["target_value"] == 100, indicator["code"]
        else:
            assert f"{indicator['target_value']:f}" in source, indicator["code"]


def test_strict_where_the_plan_says_above_or_below(cat):
    strict = {i["code"] for i in cat["indicators"] if i["strict"]}
    assert strict == {"EFFICIENCY_BENCHMARK", "WATER_LEAKAGE"}
    for indicator in cat["indicators"]:
        says_strict = re.search(r"(?<!不)超过\d|低于\d", indicator["source_text"]) is not None
        assert says_strict == indicator["strict"], indicator["code"]


def test_every_target_reads_the_statistic_of_its_own_code(cat):
    # The 14th plan names no statistic: each of its targets reads one of the same code (docs/catalogue.md).
    assert [i["statistic"] for i in cat["indicators"]] == [i["code"] for i in cat["indicators"]]


def test_indicator_leads_are_those_of_its_task(cat):
    tasks = by_code(cat["tasks"])
    headline = by_code(cat["indicators"])
    assert tasks[headline["EI_GDP"]["task"]]["lead_departments"] == ["市发改委（市能源局）"]
    assert tasks[headline["COD"]["task"]]["lead_departments"] == ["市生态环境局", "市营商局（市审批局）"]
    assert tasks[headline["STRAW_USE"]["task"]]["lead_departments"][0] == "市生态环境局"


def test_a_broken_catalogue_is_refused(tmp_path):
    broken = (
        PLAN_TEXT_PATH.with_name("plan.toml")
        .read_text(encoding="utf-8")
        .replace('task = "三（九）"', 'task = "三（十一）"', 1)
    )
    path = tmp_path / "plan.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError, match="unknown task 三（十一）"):
        read_catalogue(path)
