"""The progress overview as an XLSX workbook for leadership. Pure (openpyxl, indicators.workbook): no Django, no clock.

Layout, so that readers (people and scripts) can rely on it:

* The first sheet is the summary (named by `summary_name`, "总览" by default):
  A1 the title, A2 the subtitle, row 3 a header row (`summary_headers`), from row 4 one (label, value) pair a row.
* Then one sheet per task area of the plan, in the order given:
  A1 the sheet's heading, A2 the subtitle, row 3 the column headers (bold, frozen above the data, autofilter),
  from row 4 one indicator a row.

Every sheet thus has its header in row 3, and reads back with
`pd.read_excel(path, sheet_name=name, header=2)` (or `sheet_name=None` for all of them at once).
The heading stays a plain cell in A1, never merged, because merged cells confuse such readers.

Statuses are written as words (a reader sees text, never colour alone) and coloured like Excel's
"good / neutral / bad" cell styles. Strings that a spreadsheet could take for a formula are stored as text with
Excel's quote prefix, so they are displayed, edited and read back exactly as given, and never evaluated.
"""

import io
import math
import re
import unicodedata
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.workbook import write_cell

STATUS_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "E7E6E6"}  # background
STATUS_FONTS = {"green": "006100", "yellow": "7F6000", "red": "9C0006", "grey": "3B3B3B"}  # text colour
UNKNOWN_STATUS = "grey"
CREATOR = "营口市节能减排目标跟踪平台"

HEADER_ROW = 3  # 1-based: heading, subtitle, header; pandas' header=2
HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")
PERCENT_COLUMNS = {"achieved", "expected"}
PERCENT_FORMAT = "0.0"
FRACTION_FORMAT = "#,##0.##"
WHOLE_FORMAT = "#,##0"  # for floats without a fraction: "#,##0.##" would show them with a dangling "."
WRAPPED_COLUMNS = {"explanation"}
MIN_WIDTH, MAX_WIDTH = 8, 60

SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def overview_workbook(
    *, title, subtitle, summary, columns, sheets, status_labels, summary_name="总览", summary_headers=("项目", "数值")
) -> bytes:
    """The overview as XLSX bytes: the summary sheet, then one sheet per entry of `sheets` (see the module doc)."""
    book = Workbook()
    book.properties.title = title
    book.properties.creator = CREATOR
    taken = []
    summary_sheet = book.active
    summary_sheet.title = _claim(summary_name, taken)
    _fill_summary(summary_sheet, title, subtitle, summary_headers, summary, status_labels)
    for spec in sheets:
        sheet = book.create_sheet(_claim(spec["name"], taken))
        _fill_task_sheet(sheet, spec["heading"], subtitle, columns, spec["rows"], status_labels)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_title(name, taken):
    """A valid Excel sheet title for `name`, unique (case-insensitively) among the titles in `taken`.

    Excel refuses titles over 31 characters, with any of []:*?/\\, starting or ending with an apostrophe, empty,
    or equal to "History" (reserved); openpyxl only catches some of this, and renames duplicates its own way."""
    base = SHEET_TITLE_FORBIDDEN.sub("", str(name or "")).strip().strip("'").strip() or "Sheet"
    used = {existing.casefold() for existing in taken} | {"history"}
    candidate, number = _fit(base, ""), 1
    while candidate.casefold() in used:
        number += 1
        candidate = _fit(base, f" ({number})")
    return candidate


def _fit(base, suffix):
    """`base` cut so that it and `suffix` fit in a sheet title, without leaving a space or apostrophe at the cut."""
    room = SHEET_TITLE_MAX - len(suffix)
    return (base[:room].rstrip().rstrip("'") or "Sheet") + suffix


def _claim(name, taken):
    """The sheet title for `name`, recorded in `taken` so that later sheets avoid it."""
    title = sheet_title(name, taken)
    taken.append(title)
    return title


def _fill_summary(sheet, title, subtitle, headers, summary, status_labels):
    """Title, subtitle, then the (label, value) pairs; labels that are status words get their status colours."""
    _write(sheet["A1"], title).font = Font(bold=True, size=14)
    _write(sheet["A2"], subtitle)
    _write_header(sheet, list(headers))
    codes = {word: code for code, word in status_labels.items()}
    for row, (label, value) in enumerate(summary, start=HEADER_ROW + 1):
        label_cell = _write(sheet.cell(row=row, column=1), label)
        _write(sheet.cell(row=row, column=2), value)
        if label in codes:
            paint_status(label_cell, codes[label])
    _fit_widths(sheet, ["label", "value"])


def _fill_task_sheet(sheet, heading, subtitle, columns, rows, status_labels):
    """Heading, subtitle, header row, then one row per dict of `rows`; frozen header and an autofilter."""
    _write(sheet["A1"], heading).font = Font(bold=True, size=12)
    _write(sheet["A2"], subtitle)
    keys = [key for key, _header in columns]
    _write_header(sheet, [header for _key, header in columns])
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        for column, key in enumerate(keys, start=1):
            cell = sheet.cell(row=row, column=column)
            if key == "status":
                _write_status(cell, values.get(key), status_labels)
            else:
                _format(_write(cell, values.get(key)), key)
    last = get_column_letter(max(len(keys), 1))
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(rows)}"
    _fit_widths(sheet, keys)


def _write_header(sheet, headers):
    for column, header in enumerate(headers, start=1):
        cell = _write(sheet.cell(row=HEADER_ROW, column=column), header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def _write_status(cell, code, status_labels):
    """The status as its word, in its colours; an unknown or missing status counts as grey (no data)."""
    known = code if code in STATUS_FILLS else UNKNOWN_STATUS
    _write(cell, status_labels.get(code, status_labels.get(known, "")))
    paint_status(cell, known)


def paint_status(cell, code):
    """A cell in a status's colours (the workbooks' one palette)."""
    cell.fill = PatternFill(fill_type="solid", fgColor=STATUS_FILLS[code])
    cell.font = Font(color=STATUS_FONTS[code])


def _write(cell, value):
    """Puts `value` in `cell` by the project's one rule (workbook.write_cell: strings as text, never formulas)."""
    return write_cell(cell, _cell_value(value))


def _cell_value(value):
    """A value Excel can show: Decimal as float, NaN and infinities as empty (Excel has neither)."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _format(cell, key):
    """Percentages with one decimal; other floats with thousands separators; ints (years, counts) as they are."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if key in PERCENT_COLUMNS:
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, float):
        cell.number_format = WHOLE_FORMAT if value.is_integer() else FRACTION_FORMAT


def _fit_widths(sheet, keys):
    """Column widths roughly fitting the header and data (not the heading and subtitle in A1 and A2)."""
    for column, key in enumerate(keys, start=1):
        cells = sheet.iter_rows(min_row=HEADER_ROW, min_col=column, max_col=column, values_only=True)
        widest = max((_display_width(value) for (value,) in cells), default=0)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(MIN_WIDTH, widest + 2))
        if key in WRAPPED_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=column, max_col=column):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _display_width(value):
    """Width of a value's longest line in Excel's character units, wide (CJK) characters counting as 2."""
    if value is None:
        return 0
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return max(sum(_char_width(char) for char in line) for line in text.split("\n"))


def _char_width(char):
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
