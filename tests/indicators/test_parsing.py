"""The figures-file parser: reading CSV/XLSX uploads and validating their rows. No database."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from indicators import kinds, parsing
from indicators.parsing import MAX_ROWS, FileProblem, IndicatorSpec, Problem, Row, parse_figures, read_table

SPECS = {
    spec.code: spec
    for spec in (
        IndicatorSpec("EI_GDP", "relative_reduction", "吨标准煤/万元", True, True, 2020, 2025),
        IndicatorSpec("COD", "cumulative_total", "吨", True, False, 2020, 2025),
        IndicatorSpec("STRAW_USE", "at_least", "%", False, False, 2020, 2025),
        IndicatorSpec("OUTFALL_REMEDIATION", "milestone", "%", False, False, 2020, 2025),
    )
}
REGIONS = {"鲅鱼圈区": "鲅鱼圈区", "Bayuquan District": "鲅鱼圈区", "大石桥市": "大石桥市"}
HEADER = "indicator,region,year,value,measure,stage,note"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode.\r\n" * 8

GOOD_CSV = """indicator,region,year,value,measure,stage,note
EI_GDP,,2021,0.82,level,final,全市能耗强度
COD,鲅鱼圈区,2021,694.4,amount,初步核算,
STRAW_USE,,2022,91.5,,,
OUTFALL_REMEDIATION,全市,2023,100,percent_complete,正式,完成
"""
GOOD_ROWS = [
    Row(2, "EI_GDP", None, 2021, "level", Decimal("0.82"), "final", "全市能耗强度"),
    Row(3, "COD", "鲅鱼圈区", 2021, "amount", Decimal("694.4"), "preliminary", ""),
    Row(4, "STRAW_USE", None, 2022, "level", Decimal("91.5"), "final", ""),
    Row(5, "OUTFALL_REMEDIATION", None, 2023, "percent_complete", Decimal("100"), "final", "完成"),
]


def parse(data, filename="figures.csv"):
    if isinstance(data, str):
        data = data.encode()
    return parse_figures(read_table(data, filename), indicators=SPECS, regions=REGIONS)


def parse_line(line, header=HEADER):
    """Problems of a file holding one data row (line 2)."""
    return parse(f"{header}\n{line}\n")


def xlsx(rows, percent_cells=()):
    """A workbook whose first sheet holds `rows`; `percent_cells` (e.g. "D2") get a percent number format."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for name in percent_cells:
        sheet[name].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_problem(data, filename="figures.csv"):
    with pytest.raises(FileProblem) as caught:
        read_table(data, filename)
    return caught.value.problem


# Reading -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_good_csv_reads_the_same_in_every_encoding(encoding):
    rows, problems = parse(GOOD_CSV.encode(encoding))
    assert problems == []
    assert rows == GOOD_ROWS


def test_excel_unicode_text_tab_separated():
    text = GOOD_CSV.replace(",", "\t")
    rows, problems = parse(text.encode("utf-16"), "figures.txt")
    assert problems == []
    assert rows == GOOD_ROWS


def test_xlsx_numbers_read_exactly_and_lines_kept():
    data = xlsx(
        [
            ["指标", "地区", "年份", "数值"],
            ["EI_GDP", None, 2021, 0.35],
            [None, None, None, None],
            ["COD", "大石桥市", 2022.0, 1234567.891],
            ["STRAW_USE", None, 2023, 0.915],
        ],
        percent_cells=["D5"],
    )
    rows, problems = parse(data, "figures.xlsx")
    assert problems == []
    assert [(row.line, row.indicator, row.region, row.year, row.value) for row in rows] == [
        (2, "EI_GDP", None, 2021, Decimal("0.35")),
        (4, "COD", "大石桥市", 2022, Decimal("1234567.891")),
        (5, "STRAW_USE", None, 2023, Decimal("91.5")),  # shown as 91.5% in Excel, stored as 0.915
    ]


def test_xlsx_is_recognised_by_content_not_name():
    data = xlsx([["indicator", "year", "value"], ["COD", 2021, 5]])
    rows, problems = parse(data, "figures.csv")
    assert problems == [] and rows[0].value == Decimal(5)


def test_xlsx_formula_cell_refused():
    data = xlsx([["indicator", "year", "value"], ["COD", 2021, "=0.3+0.05"]])
    rows, problems = parse(data, "figures.xlsx")
    assert rows == []
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, "value", "Formulas are not accepted; enter the value.")
    ]


def test_chinese_and_oddly_written_headers():
    text = " 指标代码 ,区域,年度,值,口径,阶段,备注,Unknown extra\nCOD,鲅鱼圈区,2021,5,amount,最终核实,说明,ignored\n"
    frame = read_table(text.encode(), "figures.csv")
    assert list(frame.columns) == ["indicator", "region", "year", "value", "measure", "stage", "note"]
    rows, problems = parse(text)
    assert problems == []
    assert rows == [Row(2, "COD", "鲅鱼圈区", 2021, "amount", Decimal(5), "final", "说明")]


def test_headers_are_case_insensitive_and_optional_columns_may_be_missing():
    rows, problems = parse("Indicator,YEAR,Value\nCOD,2021,5\n")
    assert problems == []
    assert rows == [Row(2, "COD", None, 2021, "amount", Decimal(5), "final", "")]


def test_blank_lines_keep_line_numbers():
    text = f"{HEADER}\nCOD,,2021,5,,,\n\n,,,,,,\nCOD,,2019,5,,,\n\nNOPE,,2021,5,,,\n"
    frame = read_table(text.encode(), "figures.csv")
    assert frame.index.tolist() == [2, 5, 7]
    rows, problems = parse(text)
    assert [row.line for row in rows] == [2]
    assert [(p.line, p.column) for p in problems] == [(5, "year"), (7, "indicator")]


def test_trailing_cells_beyond_the_header_are_ignored():
    rows, problems = parse("indicator,year,value\nCOD,2021,5,\nCOD,2022,6,,extra\n")
    assert problems == []
    assert [row.year for row in rows] == [2021, 2022]


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "figures.csv", "no rows"),
        (b"\xef\xbb\xbf", "figures.csv", "no rows"),
        (b"indicator,year,value\n", "figures.csv", "no data rows"),
        (b"indicator,year,value\n\n,,\n", "figures.csv", "no data rows"),
        (b"\nindicator,year,value\nCOD,2021,5\n", "figures.csv", "first line is empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "figures.xlsx", "neither a CSV file nor an Excel"),
        (b"indicator,year,value\nCOD,2021,5\n", "figures.xlsx", "neither a CSV file nor an Excel"),
        (b"indicator,year,value\nCOD,2021,5\n", "figures.pdf", "neither a CSV file nor an Excel"),
        (b"indicator,year,value\nCOD,2021,5\n" + EXE, "figures.csv", "neither a CSV file nor an Excel"),
        ("indicator,year,value\nCOD,2021,5\n".encode("utf-16-le"), "figures.csv", "neither a CSV file nor an Excel"),
        (bytes(range(256)) * 4, "figures.csv", "neither a CSV file nor an Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "figures.xls", ".xls"),
        (b"indicator,year,value\nCOD,2021,5\n", "figures.xls", ".xls"),
        (b"PK\x03\x04 not really a zip", "figures.xlsx", "cannot be opened"),
        (b'indicator,year,value\nCOD,2021,"5\n', "figures.csv", "quotation mark"),
        (b"indicator,year,value\n\xff\xfe\xff,2021,5\n", "figures.csv", "encoding"),
        ("指标,indicator,year,value\nCOD,COD,2021,5\n".encode(), "figures.csv", "more than once"),
    ],
)
def test_file_level_problems(data, filename, fragment):
    problem = file_problem(data, filename)
    assert (problem.line, problem.column) == (None, None)
    assert fragment in str(problem)


NUL_MESSAGE = "The cell holds a NUL character"


@pytest.mark.parametrize(
    ("text", "encoding", "line", "column"),
    [
        ("indicator,year,value\nCOD,2021,5\nCOD,2022,6\x00\n", "utf-8", 3, "value"),
        ("indicator,year,value\nCOD\x00,2021,5\nCOD,2022,6\n", "utf-8", 2, "indicator"),
        ("指标,年份,数值,备注\nCOD,2021,5,\nCOD,2022,6,说\x00明\n", "gbk", 3, "note"),
        ("indicator\tyear\tvalue\nCOD\t2021\t5\x00\nCOD\t2022\t6\n", "utf-16", 2, "value"),
        # A quoted cell holding a line break stays one record (line 2), as in Excel: the NUL is on line 3.
        ('indicator,year,value,note\nCOD,2021,5,"two\nlines"\nCOD,2022,\x006,\n', "utf-8", 3, "value"),
    ],
)
def test_a_nul_in_a_text_file_is_named_by_its_line_and_column(text, encoding, line, column):
    rows, problems = parse(text.encode(encoding))
    assert [(p.line, p.column) for p in problems] == [(line, column)]
    assert problems[0].message.startswith(NUL_MESSAGE)
    assert len(rows) == 1 and rows[0].line != line  # the other row is good


def test_a_nul_in_the_header_row_names_its_column():
    problem = file_problem(b"indicator,ye\x00ar,value\nCOD,2021,5\n")
    assert str(problem).startswith("The header row (line 1) holds a NUL character in column B")


def test_binaries_keep_the_file_level_message():
    assert file_problem(EXE).message.startswith("The file is neither a CSV file nor an Excel")
    assert "cannot be opened" in file_problem(b"PK\x03\x04\x00\x00\x00" + bytes(50), "figures.csv").message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("region,year,note", "indicator, value"),
        ("COD,2021,5", "indicator, year, value"),  # the header row was forgotten
        ("指标,地区,数值", "year"),
    ],
)
def test_missing_columns_are_named(header, missing):
    problem = file_problem(f"{header}\nCOD,2021,5\n".encode())
    assert problem.message == "Required columns are missing: %(columns)s."
    assert problem.params == {"columns": missing}


def test_too_many_rows():
    body = "COD,2021,5\n" * MAX_ROWS
    assert len(read_table(f"indicator,year,value\n{body}".encode(), "figures.csv")) == MAX_ROWS
    problem = file_problem(f"indicator,year,value\n{body}COD,2021,5\n".encode())
    assert problem.params == {"limit": MAX_ROWS}
    assert "more than 20000 data rows" in str(problem)


def test_too_many_rows_in_a_workbook(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    data = xlsx([["indicator", "year", "value"]] + [["COD", 2021, 5]] * 4)
    # The sheet's declared range already says so: refused before a cell is read.
    assert "at most 3 data rows" in str(file_problem(data, "figures.xlsx"))


# Validating --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("NOPE,,2021,5,,,", "indicator", "Unknown indicator NOPE."),
        (",,2021,5,,,", "indicator", "The indicator code is required."),
        ("COD,营口市站前区,2021,5,,,", "region", "Unknown region 营口市站前区."),
        ("STRAW_USE,鲅鱼圈区,2021,90,,,", "region", "This indicator is not broken down by region."),
        ("COD,,2021.5,5,,,", "year", "The year must be a whole number."),
        ("COD,,abc,5,,,", "year", "The year must be a whole number."),
        ("COD,,,5,,,", "year", "The year must be a whole number."),
        ("COD,,2019,5,,,", "year", "The year must lie between 2020 and 2025."),
        ("COD,,2021,5,speed,,", "measure", "Unknown measure speed; use one of: amount."),
        ("COD,,2021,5,level,,", "measure", "The measure level does not fit this indicator; use one of: amount."),
        ("COD,,2021,5,energy_total,,", "measure", "does not fit this indicator"),
        ("COD,,2021,5,,draft,", "stage", "Unknown stage draft; use preliminary or final."),
        ("COD,,2021,abc,,,", "value", "The value must be a number."),
        ("COD,,2021,,,,", "value", "The value must be a number."),
        ("COD,,2021,NaN,,,", "value", "The value must be a number."),
        ('COD,,2021,"1,5",,,', "value", "The value must be a number."),  # a decimal comma, not thousands
        ("COD,,2021,1e400,,,", "value", "The value is too large."),
        ("COD,,2021,1e9999999,,,", "value", "The value is too large."),
        ("COD,,2021,1_000,,,", "value", "The value must be a number."),
        ("COD,,2021,0.1234567,,,", "value", "The value may have at most 6 decimal places."),
        ("COD,,2021,-1,,,", "value", "A yearly amount cannot be negative."),
        ("COD,,2021,5%,,,", "value", "A percentage is not accepted for this measure; enter the value in 吨."),
        ("STRAW_USE,,2021,100.5,,,", "value", "A percentage must lie between 0 and 100."),
        ("EI_GDP,,2021,0,gdp,,", "value", "GDP must be greater than zero."),
        ("COD,,2021,=SUM(A1:A2),,,", "value", "Formulas are not accepted; enter the value."),
        ('COD,,="2021",5,,,', "year", "Formulas are not accepted; enter the value."),
        ("COD,,2021,5,,," + "x" * 2001, "note", "The note may have at most 2000 characters."),
    ],
)
def test_each_rule_names_line_and_column(line, column, message):
    rows, problems = parse_line(line)
    assert rows == []
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (2, column)
    assert message in problems[0].message % problems[0].params


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("cod,,2021.0,5,,,", ("COD", None, 2021, "amount", Decimal(5), "final")),
        ('COD,,2021," 1,234,567.5 ",,,', ("COD", None, 2021, "amount", Decimal("1234567.5"), "final")),
        ("COD,bayuquan district,2021,５,,preliminary,", ("COD", "鲅鱼圈区", 2021, "amount", Decimal(5), "preliminary")),
        ("COD,City,2021,5,AMOUNT,Final,", ("COD", None, 2021, "amount", Decimal(5), "final")),
        ("STRAW_USE,,2021,91.5%,,最终,", ("STRAW_USE", None, 2021, "level", Decimal("91.5"), "final")),
        ("EI_GDP,,2021,-3.2%,Change Rate,,", ("EI_GDP", None, 2021, "change_rate", Decimal("-3.2"), "final")),
        (
            "EI_GDP,大石桥市,2021,1520.5,energy_total,,",
            ("EI_GDP", "大石桥市", 2021, "energy_total", Decimal("1520.5"), "final"),
        ),
        (
            "OUTFALL_REMEDIATION,,2025,60,,,",
            ("OUTFALL_REMEDIATION", None, 2025, "percent_complete", Decimal(60), "final"),
        ),
    ],
)
def test_accepted_spellings_and_defaults(line, expected):
    rows, problems = parse_line(line)
    assert problems == []
    row = rows[0]
    assert (row.indicator, row.region, row.year, row.measure, row.value, row.stage) == expected


def test_all_problems_are_collected_at_once():
    text = f"{HEADER}\nNOPE,,2021,5,,,\nCOD,,2019,abc,,draft,\nCOD,,2021,5,,,\nSTRAW_USE,鲅鱼圈区,2021,101,,,\n"
    rows, problems = parse(text)
    assert [row.line for row in rows] == [4]
    assert [(p.line, p.column) for p in problems] == [
        (2, "indicator"),
        (3, "year"),
        (3, "stage"),
        (3, "value"),
        (5, "region"),
        (5, "value"),
    ]


def test_duplicates_are_reported_on_the_later_row():
    text = "\n".join(
        [
            HEADER,
            "COD,鲅鱼圈区,2021,5,,,",
            "COD,大石桥市,2021,5,,,",  # another region
            "COD,鲅鱼圈区,2021,5,,preliminary,",  # another stage
            "COD,,2021,5,,,",  # the whole city
            "cod,Bayuquan District,2021.0,6,amount,final,",  # line 2 again, spelt differently
            "COD,,2021,-1,,,",  # the whole city again, and a bad value
        ]
    )
    rows, problems = parse(text)
    assert [row.line for row in rows] == [2, 3, 4, 5]
    assert [(p.line, p.column, p.params) for p in problems] == [
        (6, None, {"other": 2}),
        (7, "value", {}),
        (7, None, {"other": 5}),
    ]
    assert str(problems[0]) == "line 6: Same indicator, region, year and measure as line 2."


def test_problem_text():
    problem = Problem(
        3, "year", kinds.gettext_noop("The year must lie between %(start)s and %(end)s."), {"start": 2020, "end": 2025}
    )
    assert str(problem) == "line 3, column year: The year must lie between 2020 and 2025."
    assert str(Problem(None, None, "The file contains no rows.", {})) == "The file contains no rows."
    assert str(FileProblem(Problem(None, None, "The file contains no rows.", {}))) == "The file contains no rows."


def test_parse_figures_copes_with_excel_style_numbers_in_a_frame():
    frame = read_table(b"indicator,year,value\nCOD,2021.0,0.35\nCOD,2022,1e-06\n", "figures.csv")
    rows, problems = parse_figures(frame, indicators=SPECS, regions=REGIONS)
    assert problems == []
    assert [(row.year, row.value) for row in rows] == [(2021, Decimal("0.35")), (2022, Decimal("0.000001"))]


def test_twenty_thousand_rows_parse_whole():
    years = range(2020, 2026)
    regions = ["", "鲅鱼圈区", "大石桥市"]
    lines = [f"COD,{regions[i % 3]},{years[i // 3 % 6]},{i}.5,,,n{i}" for i in range(MAX_ROWS)]
    frame = read_table("\n".join([HEADER, *lines]).encode(), "figures.csv")
    rows, problems = parse_figures(frame, indicators=SPECS, regions=REGIONS)  # its time: bench/upload.py
    assert len(rows) + len(problems) == MAX_ROWS


def test_module_is_pure():
    code = "import sys, indicators.parsing; sys.exit('django' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
