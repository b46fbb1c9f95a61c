"""The XLSX template users fill in and upload, and `write_cell`, which every XLSX export of the project writes
its cells with. Pure: openpyxl only, no Django.

The first seven columns are the ones the import reads (by their Chinese header names, see
parsing.HEADER_ALIASES); the columns after them are for reference and ignored on upload."""

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# (row key, header, width)
COLUMNS = [
    ("indicator", "指标代码", 16),
    ("region", "地区", 12),
    ("year", "年份", 8),
    ("measure", "计量", 14),
    ("stage", "阶段", 12),
    ("value", "数值", 14),
    ("note", "备注", 40),
    ("name", "指标名称（参考，不导入）", 40),
    ("unit", "单位（参考）", 12),
    ("target", "目标（参考）", 20),
    ("measures", "可用计量（参考）", 40),
]
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")  # the cells to fill in
INSTRUCTIONS = [
    "填写说明 / How to fill in",
    "1. 在“数值”列填写数值；不填数值的行在上传时跳过。Fill in the value column; rows left empty are skipped.",
    "2. 计量：level=水平值，change_rate=同比变化率（%，下降为负），amount=年度量，percent_complete=完成百分比。",
    "3. 阶段：final/最终 或 preliminary/初步。年度统计先报初步数，再报最终核实数。",
    "4. 数值超出合理范围（默认同比±30%）时须在“备注”列说明理由，否则上传不通过。",
    "5. 请勿使用公式或合并单元格；上传后先预览，确认后才会提交审核。",
    "6. Do not use formulas or merged cells. After upload you see a preview; nothing counts until you confirm.",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV/spreadsheet injection
# A plain number Excel reads as one ("-3.1", "+5", "1e3"); float() would also pass "-inf" and "-1_0", which Excel
# takes for formulas.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def figures_template(rows):
    """The template as XLSX bytes: one row per dict in `rows` (keys as in COLUMNS)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "填报"
    for column, (_key, header, _width) in enumerate(COLUMNS, start=1):
        write_cell(sheet.cell(row=1, column=column), header).font = Font(bold=True)
    for line, row in enumerate(rows, start=2):
        for column, (key, _header, _width) in enumerate(COLUMNS, start=1):
            write_cell(sheet.cell(row=line, column=column), _cell(row.get(key)))
    for index, (key, _header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        if key in ("value", "note"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.fill = INPUT_FILL
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    for line, text in enumerate(INSTRUCTIONS, start=1):
        write_cell(notes.cell(row=line, column=1), text)
    notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """A Decimal as a number cell when a float holds it exactly (always, for figures of up to 15 digits)."""
    if isinstance(value, Decimal):
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    return value


def write_cell(cell, value):
    """Puts `value` in `cell` and returns the cell: numbers as numbers, every string as text, never a formula.

    The names written come from administrators and users (indicators, regions, tasks, notes), and openpyxl turns
    any string starting with "=" into a live formula: =HYPERLINK(...) would run in the reader's Excel. A string
    that a spreadsheet could evaluate also gets Excel's quote prefix, so that editing the cell keeps it text;
    unlike a literal "'", the prefix leaves the value as given. Control characters that XML forbids are dropped
    (openpyxl would raise on them)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if _looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def _looks_like_formula(text):
    """Whether a spreadsheet could evaluate `text`: it starts like a formula and is not simply a number."""
    return text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text)
