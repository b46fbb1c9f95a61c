"""Bad figures files given to figures_import: each is refused with a message naming the fault, and nothing is saved."""

import io
from decimal import Decimal

import openpyxl
import pytest

from indicators.figures import ImportRejected, figures_import
from indicators.models import Figure
from indicators.parsing import MAX_ROWS

HEADER = "indicator,region,year,value,measure,stage,note"
# Figures already in the database before each bad file arrives: a refused file must leave them as they are.
BASELINE = f"{HEADER}\nNH3N,鲅鱼圈区,2021,3.5,,,基线\nNH3N,大石桥市,2021,2,,,基线\nSTRAW_USE,,2021,90,,,基线\n"
# Ten good rows of the plan's COD indicator (by region, 2020-2025); every row has a note, so no plausibility
# flag can be the reason a file is refused.
GOOD_LINES = [
    f"COD,{region},{year},{10 * year - 20200 + index},,,核实"
    for index, region in enumerate(["鲅鱼圈区", "大石桥市"])
    for year in range(2021, 2026)
]
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode.\r\n" * 8


@pytest.fixture
def saved(plan):
    """The number of figures in the database before the file under test is imported."""
    figures_import(data=BASELINE.encode(), filename="baseline.csv")
    count = Figure.objects.count()
    assert count == 3
    return count


def rejected(data, filename):
    """The rendered problems of a file figures_import refuses; checks that it saved nothing."""
    before = Figure.objects.count()
    values = list(Figure.objects.order_by("pk").values_list("pk", "value", "revision"))
    with pytest.raises(ImportRejected) as caught:
        figures_import(data=data, filename=filename)
    assert Figure.objects.count() == before
    assert list(Figure.objects.order_by("pk").values_list("pk", "value", "revision")) == values
    problems = caught.value.problems
    assert problems and str(caught.value) == f"{len(problems)} problem(s)"
    return [str(problem) for problem in problems]


def workbook(rows, merge=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"\r\n\r\n", b"   ", b"\xef\xbb\xbf", "\ufeff".encode("utf-16"), b"\xef\xbb\xbf\xef\xbb\xbf"],
    ids=["empty", "blank-lines", "spaces", "bom-only", "utf16-bom-only", "two-boms"],
)
def test_an_empty_file(saved, data):
    assert rejected(data, "figures.csv") == ["The file contains no rows."]


def test_a_header_without_data_rows(saved):
    assert rejected(f"{HEADER}\n,,,,,,\n".encode(), "figures.csv") == [
        "The file contains no data rows below the header row."
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("name,amount,date", "indicator, year, value"),
        ("COD,鲅鱼圈区,2021,5", "indicator, year, value"),  # the header row was left out
        ("指标,地区,数值,备注", "year"),
    ],
)
def test_a_file_with_wrong_columns(saved, header, missing):
    data = f"{header}\nCOD,鲅鱼圈区,2021,5\n".encode()
    assert rejected(data, "figures.csv") == [f"Required columns are missing: {missing}."]


def test_a_column_given_twice(saved):
    data = "指标,indicator,year,value\nCOD,COD,2021,5\n".encode()
    assert rejected(data, "figures.csv") == ["The column indicator appears more than once."]


GBK_HEADER = "指标代码,地区,年份,数值,口径,阶段,备注"


def test_a_gbk_file_with_chinese_headers_and_one_bad_row(saved):
    text = "\r\n".join(
        [
            GBK_HEADER,
            "COD,鲅鱼圈区,2021,120.5,amount,初步核算,重点工程",
            "COD,营口市不存在区,2021,80,,最终,",  # no such region
            "COD,大石桥市,2021,60,,正式,核实",
        ]
    )
    assert rejected(text.encode("gbk"), "指标数据.csv") == ["line 3, column region: Unknown region 营口市不存在区."]


def test_a_good_gbk_file_imports(saved):
    text = "\r\n".join(
        [GBK_HEADER, "COD,鲅鱼圈区,2021,120.5,amount,初步核算,重点工程", "COD,大石桥市,2021,60,,正式,核实"]
    )
    summary = figures_import(data=text.encode("gbk"), filename="指标数据.csv")
    assert summary.created == 2
    assert Figure.objects.count() == saved + 2
    figure = Figure.objects.get(statistic__code="COD", region__name="鲅鱼圈区")
    assert (figure.year, figure.value, figure.stage, figure.note) == (2021, Decimal("120.5"), "preliminary", "重点工程")
    assert Figure.objects.get(statistic__code="COD", region__name="大石桥市").stage == "final"


def test_an_xlsx_with_a_formula_cell(saved):
    data = workbook(
        [
            ["指标", "地区", "年份", "数值", "备注"],
            ["COD", "鲅鱼圈区", 2021, 120.5, "核实"],
            ["COD", "大石桥市", 2021, "=D2/2", "核实"],
        ]
    )
    assert rejected(data, "figures.xlsx") == ["line 3, column value: Formulas are not accepted; enter the value."]


def test_an_xlsx_with_a_merged_title_above_the_header(saved):
    data = workbook(
        [
            ["营口市2021年节能减排指标数据", None, None, None, None],
            ["指标", "地区", "年份", "数值", "备注"],
            ["COD", "鲅鱼圈区", 2021, 120.5, "核实"],
        ],
        merge=["A1:E1"],
    )
    assert rejected(data, "figures.xlsx") == ["Required columns are missing: indicator, year, value."]


def test_an_xlsx_whose_merged_header_cell_hides_a_column(saved):
    # Merging A1:B1 keeps only A1's text: the year column loses its name.
    data = workbook(
        [["指标", "年份", "数值", "备注"], ["COD", 2021, 120.5, "核实"]],
        merge=["A1:B1"],
    )
    assert rejected(data, "figures.xlsx") == ["Required columns are missing: year."]


@pytest.mark.parametrize("filename", ["figures.xlsx", "figures.csv"])
def test_a_renamed_exe(saved, filename):
    assert rejected(EXE, filename) == ["The file is neither a CSV file nor an Excel (.xlsx) workbook."]


def test_a_file_of_fifty_thousand_rows(saved):
    body = "".join(f"COD,鲅鱼圈区,{2021 + i % 5},{i % 1000},,,n{i}\n" for i in range(50_000))
    assert rejected(f"{HEADER}\n{body}".encode(), "figures.csv") == [
        f"The file has more than {MAX_ROWS} data rows; split it into smaller files."
    ]


def test_the_ten_good_rows_import(saved):
    summary = figures_import(data="\n".join([HEADER, *GOOD_LINES]).encode(), filename="figures.csv")
    assert summary.created == 10
    assert Figure.objects.count() == saved + 10


def test_one_bad_row_in_ten_saves_none_of_the_nine_good(saved):
    lines = list(GOOD_LINES)
    lines[5] = "COD,大石桥市,2021,-5,,,核实"  # line 7 of the file; the good row it replaces is not in the file
    assert rejected("\n".join([HEADER, *lines]).encode(), "figures.csv") == [
        "line 7, column value: A yearly amount cannot be negative."
    ]
    assert not Figure.objects.filter(statistic__code="COD").exists()
