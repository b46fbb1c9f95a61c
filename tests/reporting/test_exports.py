"""The overview workbook: readable back with pandas (header=2), statuses as words in colour, text never a formula,
valid unique sheet names. No database: the exporter is pure."""

import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from reporting.exports import STATUS_FILLS, STATUS_FONTS, overview_workbook, sheet_title

COLUMNS = [
    ("code", "代码"),
    ("indicator", "指标"),
    ("target", "目标"),
    ("lead", "牵头单位"),
    ("status", "状态"),
    ("value", "进展"),
    ("achieved", "完成进度(%)"),
    ("expected", "序时进度(%)"),
    ("required_per_year", "每年尚需"),
    ("explanation", "判定依据"),
]
HEADERS = [header for _key, header in COLUMNS]
LABELS = {"green": "正常", "yellow": "滞后", "red": "严重滞后", "grey": "无数据"}
TITLE = "营口市“十四五”节能减排综合工作方案"
SUBTITLE = "2024年 · 结果计算于 2026-11-25 03:10"
SUMMARY = [("绿色", 20), ("黄色", 12), ("红色", 3), ("灰色", 9), ("指标总数", 44)]


def indicator(code, name, target, lead, status, value=None, achieved=None, expected=None, required=None, why=None):
    return {
        "code": code,
        "indicator": name,
        "target": target,
        "lead": lead,
        "status": status,
        "value": value,
        "achieved": achieved,
        "expected": expected,
        "required_per_year": required,
        "explanation": why,
    }


ENERGY = {
    "name": "四（一） 优化完善能耗双控制度",
    "heading": "四（一） 优化完善能耗双控制度 — 市发改委（市能源局）牵头",
    "rows": [
        indicator(
            "EI_GDP",
            "单位地区生产总值能耗",
            "比2020年下降15.5%",
            "市发改委（市能源局）",
            "yellow",
            value=-3.1,
            achieved=Decimal("58.25"),
            expected=60.0,
            required=Decimal("2.75"),
            why="累计下降9.0%，低于序时进度；\n2025年前每年尚需下降2.75%",
        ),
    ],
}
POLLUTION = {
    "name": "四（二） 健全污染物排放总量控制制度",
    "heading": "四（二） 健全污染物排放总量控制制度 — 市生态环境局、市营商局（市审批局）负责",
    "rows": [
        indicator(
            "COD",
            "化学需氧量重点工程减排量",
            "3472 吨",
            "市生态环境局",
            "green",
            value=2104,
            achieved=60.6,
            expected=60,
            required=Decimal("684.0"),
            why="累计减排2104吨，达到序时进度",
        ),
        indicator("NH3N", "氨氮重点工程减排量", "35 吨", "市生态环境局", None),
    ],
}
FARMING = {
    "name": "三（五） 推动农业农村节能减排",
    "heading": "三（五） 推动农业农村节能减排",
    "rows": [
        indicator(
            "STRAW_USE", "秸秆综合利用率", "≥ 90%", "市农业农村局（市乡村振兴局）", "red", value=87.5, why="低于90%"
        ),
    ],
}
SHEETS = [ENERGY, POLLUTION, FARMING]


def export(sheets=SHEETS, columns=COLUMNS, **overrides):
    arguments = {
        "title": TITLE,
        "subtitle": SUBTITLE,
        "summary": SUMMARY,
        "columns": columns,
        "sheets": sheets,
        "status_labels": LABELS,
    }
    return overview_workbook(**(arguments | overrides))


def read_all(data):
    return pd.read_excel(io.BytesIO(data), sheet_name=None, header=2)


def load(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def column_of(sheet, key, columns=COLUMNS):
    """The 1-based column number of `key`, found through its header in row 3 (not through the list's order)."""
    header = dict(columns)[key]
    return next(cell.column for cell in sheet[3] if cell.value == header)


def expected_cell(key, value):
    """What a reader should see for an input value: the status word, Decimals as floats."""
    if key == "status":
        return LABELS.get(value, LABELS["grey"])
    return float(value) if isinstance(value, Decimal) else value


# Layout and read-back


def test_summary_first_then_the_task_sheets_in_the_given_order():
    frames = read_all(export(sheets=[POLLUTION, FARMING, ENERGY]))  # not in alphabetical order

    assert list(frames) == ["总览", POLLUTION["name"], FARMING["name"], ENERGY["name"]]


@pytest.mark.parametrize("spec", SHEETS, ids=lambda spec: spec["name"])
def test_rows_read_back_as_given(spec):
    frame = read_all(export())[spec["name"]]

    assert list(frame.columns) == HEADERS
    assert len(frame) == len(spec["rows"])
    for index, row in enumerate(spec["rows"]):
        for key, header in COLUMNS:
            got, want = frame.loc[index, header], expected_cell(key, row[key])
            if want is None:
                assert pd.isna(got), (key, got)
            else:
                assert got == want, (key, got, want)
                assert isinstance(got, str) == isinstance(want, str), (key, got)


def test_numbers_stay_numbers_and_none_is_empty():
    sheet = load(export())[POLLUTION["name"]]
    value, achieved, required = (column_of(sheet, key) for key in ("value", "achieved", "required_per_year"))

    assert sheet.cell(4, value).value == 2104 and sheet.cell(4, value).data_type == "n"
    assert sheet.cell(4, required).value == 684.0 and sheet.cell(4, required).data_type == "n"
    assert sheet.cell(5, achieved).value is None


def test_heading_subtitle_and_header_row_with_frozen_panes_and_filter():
    sheet = load(export())[POLLUTION["name"]]

    assert sheet["A1"].value == POLLUTION["heading"] and sheet["A1"].font.b
    assert sheet["A2"].value == SUBTITLE
    assert [cell.value for cell in sheet[3]] == HEADERS
    assert all(cell.font.b and cell.fill.fill_type == "solid" for cell in sheet[3])
    assert not sheet.merged_cells.ranges
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:J5"


def test_a_task_without_rows_keeps_its_header():
    data = export(sheets=[{"name": "五（一） 加强组织领导", "heading": "五（一） 加强组织领导", "rows": []}])
    frame = read_all(data)["五（一） 加强组织领导"]

    assert list(frame.columns) == HEADERS and frame.empty
    assert load(data)["五（一） 加强组织领导"].auto_filter.ref == "A3:J3"


def test_summary_sheet():
    data = export()
    frame = read_all(data)["总览"]
    sheet = load(data)["总览"]

    assert sheet["A1"].value == TITLE and sheet["A1"].font.b
    assert sheet["A2"].value == SUBTITLE
    assert list(frame.itertuples(index=False, name=None)) == SUMMARY


def test_summary_labels_that_are_status_words_get_their_colour():
    summary = [(LABELS["green"], 20), (LABELS["red"], 3), ("指标总数", 44)]
    sheet = load(export(summary=summary))["总览"]

    assert sheet["A4"].fill.fgColor.rgb == "00" + STATUS_FILLS["green"]
    assert sheet["A5"].fill.fgColor.rgb == "00" + STATUS_FILLS["red"]
    assert sheet["A6"].fill.fill_type is None


def test_custom_summary_name_and_properties():
    book = load(export(summary_name="概况"))

    assert book.sheetnames[0] == "概况"
    assert book.properties.title == TITLE
    assert book.properties.creator == "营口市节能减排目标跟踪平台"


# Statuses


def test_status_cells_hold_the_word_and_the_colours_of_their_status():
    rows = [
        indicator(f"X{index}", "指标", "目标", "市统计局", code)
        for index, code in enumerate(["green", "yellow", "red", "grey", None, "purple"])
    ]
    sheet = load(export(sheets=[{"name": "状态", "heading": "状态", "rows": rows}]))["状态"]
    status = column_of(sheet, "status")

    expected = ["green", "yellow", "red", "grey", "grey", "grey"]
    for row, code in enumerate(expected, start=4):
        cell = sheet.cell(row, status)
        assert cell.value == LABELS[code]
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb == "00" + STATUS_FILLS[code]
        assert cell.font.color.rgb == "00" + STATUS_FONTS[code]


# Formats and widths


def test_number_formats():
    columns = [("year", "年份"), ("value", "进展"), ("achieved", "完成进度(%)"), ("expected", "序时进度(%)")]
    rows = [
        {"year": 2024, "value": 1234.5, "achieved": 58, "expected": Decimal("60.0")},
        {"year": 2025, "value": 3472.0, "achieved": None, "expected": 100.0},
    ]
    sheet = load(export(sheets=[{"name": "格式", "heading": "格式", "rows": rows}], columns=columns))["格式"]

    assert [sheet.cell(row, 1).number_format for row in (4, 5)] == ["General", "General"]
    assert [sheet.cell(row, 2).number_format for row in (4, 5)] == ["#,##0.##", "#,##0"]
    assert sheet.cell(4, 3).number_format == "0.0"
    assert [sheet.cell(row, 4).number_format for row in (4, 5)] == ["0.0", "0.0"]


def test_widths_count_chinese_characters_double_and_are_capped():
    long_reason = "判定依据" * 40
    rows = POLLUTION["rows"] + [indicator("LONG", "指标", "目标", "市统计局", "green", why=long_reason)]
    sheet = load(export(sheets=[{"name": "宽度", "heading": "宽度" * 50, "rows": rows}]))["宽度"]
    width = {key: sheet.column_dimensions[chr(64 + column_of(sheet, key))].width for key, _header in COLUMNS}

    assert width["indicator"] == 2 * len("化学需氧量重点工程减排量") + 2
    assert width["code"] < width["indicator"]  # the long heading in A1 does not widen the code column
    assert width["explanation"] == 60
    explanation = column_of(sheet, "explanation")
    assert all(sheet.cell(row, explanation).alignment.wrap_text for row in (4, 5, 6))


# Text that looks like a formula


FORMULA_LIKE = ["=SUM(A1)", "+86-123", "@x", "-A1+1", '=HYPERLINK("http://example.com","点击")']


def test_formula_like_text_reads_back_as_the_same_text_and_is_no_formula():
    rows = [
        indicator("EI_GDP", "单位地区生产总值能耗", text, text, "green", value=-3.1, why=text) for text in FORMULA_LIKE
    ]
    data = export(sheets=[{"name": "注入", "heading": "=1+1", "rows": rows}])
    frame = read_all(data)["注入"]
    sheet = load(data)["注入"]

    assert frame["目标"].tolist() == FORMULA_LIKE
    assert frame["判定依据"].tolist() == FORMULA_LIKE
    assert frame["进展"].tolist() == [-3.1] * len(FORMULA_LIKE)
    for key in ("target", "lead", "explanation"):
        column = column_of(sheet, key)
        for row in range(4, 4 + len(FORMULA_LIKE)):
            assert sheet.cell(row, column).data_type == "s"
            assert sheet.cell(row, column).quotePrefix
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"
    assert sheet.cell(4, column_of(sheet, "value")).data_type == "n"


def test_text_that_is_a_number_or_plain_gets_no_quote_prefix():
    rows = [indicator("A", "指标", "-3.1", "市统计局", "green"), indicator("B", "指标", "≥ 90%", "市统计局", "green")]
    data = export(sheets=[{"name": "文本", "heading": "文本", "rows": rows}])
    sheet = load(data)["文本"]
    target = column_of(sheet, "target")

    assert read_all(data)["文本"]["目标"].tolist() == ["-3.1", "≥ 90%"]
    assert [sheet.cell(row, target).quotePrefix for row in (4, 5)] == [False, False]


# Sheet names

FORBIDDEN = set("[]:*?/\\")


def test_a_long_name_with_forbidden_characters_becomes_a_valid_title():
    name = "三（一）[重点行业]绿色升级工程: 钢铁/石化*化工?建材\\有色金属、轻工纺织等重点行业节能降碳"
    assert len(name) > 31
    title = sheet_title(name, [])

    assert len(title) <= 31
    assert not FORBIDDEN & set(title)
    assert title.startswith("三（一）重点行业绿色升级工程 钢铁石化化工")


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Energy", ["energy"], "Energy (2)"),
        ("Energy", ["ENERGY", "Energy (2)"], "Energy (3)"),
        ("history", [], "history (2)"),
        ("'引号'", [], "引号"),
        ("[]:*?", [], "Sheet"),
        ("一" * 40, ["一" * 31], "一" * 27 + " (2)"),
    ],
)
def test_sheet_titles_are_unique_and_valid(name, taken, expected):
    assert sheet_title(name, taken) == expected


def test_colliding_names_both_survive():
    long_name = "四（三） 坚持节能优先方针、强化能耗强度降低约束性指标管理，有效增强能源消费总量管理弹性"
    sheets = [
        {"name": long_name, "heading": "第一", "rows": POLLUTION["rows"]},
        {"name": long_name + "（续）", "heading": "第二", "rows": FARMING["rows"]},
        {"name": "总览", "heading": "第三", "rows": []},
    ]
    data = export(sheets=sheets)
    book = load(data)

    assert len(book.sheetnames) == 4
    assert len({name.casefold() for name in book.sheetnames}) == 4
    assert all(len(name) <= 31 and not FORBIDDEN & set(name) for name in book.sheetnames)
    assert [book[name]["A1"].value for name in book.sheetnames[1:]] == ["第一", "第二", "第三"]
    assert book.sheetnames[3] == "总览 (2)"
    assert read_all(data)[book.sheetnames[2]]["代码"].tolist() == ["STRAW_USE"]
