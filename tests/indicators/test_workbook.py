"""The upload template: admin-entered text is written as text, never as a formula a spreadsheet would run."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from indicators import parsing
from indicators.workbook import figures_template

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "=1+1", "+1+1", "-2+A1", "@SUM(A1)"]
TEXT_KEYS = ("region", "note", "name", "unit", "target", "measures")


def template(text, **row):
    """The template with one COD row whose text cells all hold `text`."""
    values = {"indicator": "COD", "year": 2021, "measure": "amount", "stage": "final", "value": Decimal("610.5")}
    return figures_template([{**dict.fromkeys(TEXT_KEYS, text), **values, **row}])


def entry_sheet_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def entry_row(data):
    """{header: cell} of the template's first data row."""
    sheet = openpyxl.load_workbook(io.BytesIO(data))["填报"]
    return {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_names_come_back_as_the_same_text(text):
    data = template(text)
    cells = entry_row(data)

    assert not re.search(r"<f[ >]", entry_sheet_xml(data))  # no formula element anywhere in the sheet
    for header in ("地区", "备注", "指标名称（参考，不导入）", "单位（参考）", "目标（参考）", "可用计量（参考）"):
        assert cells[header].value == text and cells[header].data_type == "s"
        assert cells[header].quotePrefix  # editing the cell in Excel keeps it text


def test_the_formula_like_note_reads_back_through_the_upload_parser_as_its_text():
    frame = parsing.read_table(template('=HYPERLINK("http://x","y")', region="全市"), "template.xlsx")
    assert frame["note"].tolist() == ['=HYPERLINK("http://x","y")']


def test_numbers_stay_numbers_and_plain_text_gets_no_quote_prefix():
    cells = entry_row(template("-3.1"))
    assert cells["年份"].value == 2021 and cells["年份"].data_type == "n"
    assert cells["数值"].value == 610.5 and cells["数值"].data_type == "n"
    assert cells["备注"].value == "-3.1" and not cells["备注"].quotePrefix  # a number as text is no formula
    assert not cells["指标代码"].quotePrefix


def test_control_characters_in_a_name_are_dropped_not_a_crash():
    cells = entry_row(template("钢铁\x01企业\x1f"))
    assert cells["指标名称（参考，不导入）"].value == "钢铁企业"
