"""Reads an uploaded figures file (CSV or XLSX) and validates its rows. Pure: no Django, no models.

`read_table` turns the uploaded bytes into a DataFrame of strings with canonical column names, indexed by the
line number the user sees (header = 1, first data row = 2). `parse_figures` checks every row against the plan's
indicators and regions and returns the good rows together with every problem found.

Line numbers count records as a spreadsheet shows them: in a CSV file a quoted cell holding a line break stays one
record, as it is one row when the file is opened in Excel or WPS.
"""

import csv
import io
import math
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas
from openpyxl.utils import get_column_letter

from indicators import kinds, xlsx

MAX_ROWS = 20_000  # more data rows than this: refused
NOTE_MAX_LENGTH = 2000
# Figure.value is a DecimalField(max_digits=20, decimal_places=6): at most 14 digits before the point.
VALUE_DECIMAL_PLACES = 6
VALUE_LIMIT = Decimal(10) ** 14

COLUMNS = ("indicator", "region", "year", "value", "measure", "stage", "note")
REQUIRED_COLUMNS = ("indicator", "year", "value")
# The columns where a cell starting with "=" is refused as a formula (the note is free text).
FORMULA_COLUMNS = ("indicator", "region", "year", "value", "measure", "stage")
# Header names (compared after stripping and case-folding) and the canonical column each stands for.
HEADER_ALIASES = {
    **{name: name for name in COLUMNS},
    "指标": "indicator",
    "指标代码": "indicator",
    "地区": "region",
    "区域": "region",
    "年份": "year",
    "年度": "year",
    "数值": "value",
    "值": "value",
    "计量": "measure",
    "口径": "measure",
    "阶段": "stage",
    "备注": "note",
}
# A region cell naming the whole city (compared case-folded); an empty cell means the same.
CITY_NAMES = {"", "全市", "city", "whole city"}
STAGE_NAMES = {
    "preliminary": kinds.PRELIMINARY,
    "初步": kinds.PRELIMINARY,
    "初步核算": kinds.PRELIMINARY,
    "final": kinds.FINAL,
    "最终": kinds.FINAL,
    "最终核实": kinds.FINAL,
    "正式": kinds.FINAL,
}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected workbooks
_BINARY_MAGICS = (b"MZ", b"\x7fELF", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CSV_EXTENSIONS = {"", ".csv", ".txt", ".tsv"}
_XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
_UNNAMED = re.compile(r"Unnamed: \d+(_level_\d+)?")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", re.ASCII)  # 1,234,567.8; a lone "1,5" is not grouped
_SPACES = re.compile(r"\s+")
# C0 control characters a text file has no use for (tab, line feed, form feed and carriage return excepted).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    kind: str  # one of the kinds in indicators.kinds
    unit: str  # e.g. "%", "吨"
    by_region: bool  # may have per-region figures
    components: bool  # accepts the energy component measures (kinds.measures(kind, components=...))
    first_year: int  # the indicator's baseline year
    last_year: int  # the plan's end year


@dataclass(frozen=True)
class Problem:
    line: int | None  # as the user sees it: header = 1, first data row = 2; None for file-level problems
    column: str | None  # a canonical column name, or None
    message: str  # an English template marked with kinds.gettext_noop, with %(name)s placeholders
    params: dict = field(default_factory=dict)  # values for the placeholders (plain str/int)

    def text(self, message=None):
        """The problem as one English line; `message` is an already translated template, if any."""
        template = self.message if message is None else message
        body = template % self.params if self.params else template
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {body}" if where else body

    def __str__(self):
        return self.text()


@dataclass(frozen=True)
class Row:
    line: int
    indicator: str  # indicator code as in IndicatorSpec.code
    region: str | None  # canonical region name, None = the whole city
    year: int
    measure: str  # a measure from indicators.kinds
    value: Decimal
    stage: str  # kinds.PRELIMINARY or kinds.FINAL
    note: str


def rows_to_json(rows):
    """Rows as JSON-ready lists (the value as its exact text), to keep a file parsed once."""
    return [[r.line, r.indicator, r.region, r.year, r.measure, str(r.value), r.stage, r.note] for r in rows]


def rows_from_json(items):
    return [
        Row(line, code, region, year, measure, Decimal(value), stage, note)
        for line, code, region, year, measure, value, stage, note in items
    ]


def problems_to_json(problems):
    return [[p.line, p.column, p.message, p.params] for p in problems]


def problems_from_json(items):
    return [Problem(line, column, message, params) for line, column, message, params in items]


class FileProblem(Exception):
    """The file as a whole cannot be read (empty, unknown format, bad encoding, missing columns, too many rows)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _file_problem(message, **params):
    return FileProblem(Problem(None, None, message, params))


# Reading ---------------------------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str, *, seconds=None, clock=time.monotonic) -> pandas.DataFrame:
    """The file's data rows as strings, columns renamed to the canonical names, indexed by line number ("line").

    Entirely blank rows are dropped; the others keep the line number the user sees. Raises FileProblem when the
    file as a whole cannot be used. `seconds` bounds the time a workbook may take to read (`clock` measures it).
    """
    extension = os.path.splitext(filename or "")[1].lower()
    if not data.strip():
        raise _file_problem(kinds.gettext_noop("The file contains no rows."))
    if data.startswith(_ZIP_MAGIC):
        header, lines, rows = _read_xlsx(data, seconds, clock)
    elif data.startswith(_OLE_MAGIC) or extension == ".xls":
        raise _file_problem(
            kinds.gettext_noop(
                "Old Excel (.xls) workbooks and password-protected workbooks cannot be read; save the file as an "
                "Excel workbook (.xlsx) without a password, or as CSV."
            )
        )
    elif extension not in _CSV_EXTENSIONS or _looks_binary(data):
        raise _file_problem(kinds.gettext_noop("The file is neither a CSV file nor an Excel (.xlsx) workbook."))
    else:
        header, lines, rows = _read_csv(_decode(data))
    return _frame(header, lines, rows)


def _looks_binary(data):
    """A known binary format by its first bytes, or NUL bytes in what does not read as text. A text file with a
    stray NUL (left by a damaged export) is text: parse_figures names the cell holding it."""
    if data.startswith(_UTF16_BOMS):
        return False
    if data.startswith(_BINARY_MAGICS):
        return True
    if b"\x00" not in data:
        return False
    try:
        text = _decode(data)
    except FileProblem:
        return True
    # Control characters by the dozen: a binary format that happens to decode, or UTF-16 without its BOM.
    return len(_CONTROLS.findall(text)) * 8 > len(text)


def _decode(data):
    if data.startswith(_UTF16_BOMS):
        encodings = ("utf-16",)  # Excel's "Unicode text"
    else:
        encodings = ("utf-8-sig", "gb18030")  # gb18030 covers GBK, what Chinese Excel writes
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_problem(kinds.gettext_noop("The file's text encoding is not recognised; save it as CSV UTF-8."))


def _read_csv(text):
    """(header cells, line numbers, data rows as lists of strings) of a CSV text."""
    if not text.strip():
        raise _file_problem(kinds.gettext_noop("The file contains no rows."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    malformed = kinds.gettext_noop("The CSV file cannot be read; check for a quotation mark that is not closed.")
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as error:
        raise _file_problem(malformed) from error
    if not header:
        raise _file_problem(_blank_header_message())
    _refuse_nul_in_header(header)
    width = len(header)
    try:
        # header=None with usecols: a data row with more cells than the header (a trailing comma) is not an error.
        raw = pandas.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            usecols=range(width),
            index_col=False,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pandas.errors.ParserError, csv.Error, ValueError) as error:
        raise _file_problem(malformed) from error
    values = raw.to_numpy().tolist()
    if not values:  # only a stray byte-order mark, which csv keeps but pandas drops (e.g. UTF-16 with two BOMs)
        raise _file_problem(kinds.gettext_noop("The file contains no rows."))
    # Row i of the file (header = row 0) is line i + 1; pandas keeps blank lines as rows here.
    return values[0], range(2, len(values) + 1), values[1:]


def _read_xlsx(data, seconds, clock):
    """(header cells, line numbers, data rows as lists of strings) of the workbook's sheet, read by the bounded
    streaming reader (indicators.xlsx): the active sheet when it is visible, else the first visible one."""
    limits = xlsx.Limits(last_line=MAX_ROWS + 1, seconds=seconds)
    try:
        sheet_rows = xlsx.read_rows(data, limits, clock=clock)
    except xlsx.Refused as refused:
        raise _file_problem(refused.message, **refused.params) from None
    if not sheet_rows:
        raise _file_problem(kinds.gettext_noop("The file contains no rows."))
    header = sheet_rows[0][1] if sheet_rows[0][0] == 1 else []  # row 1 missing: the first line is empty
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    lines, rows = [], []
    for line, cells in sheet_rows[1:] if sheet_rows[0][0] == 1 else sheet_rows:
        texts = cells[:width]
        if any(text.strip() for text in texts):
            lines.append(line)
            rows.append(texts + [""] * (width - len(texts)))
    return header, lines, rows


def _refuse_nul_in_header(header):
    """A NUL in a header cell would only show as "a required column is missing"; say where it is instead."""
    for position, cell in enumerate(header):
        if "\x00" in cell:
            raise _file_problem(
                kinds.gettext_noop(
                    "The header row (line 1) holds a NUL character in column %(column)s, an invisible code left "
                    "by a damaged or wrongly exported file. Delete it, or export the file again as CSV UTF-8."
                ),
                column=get_column_letter(position + 1),
            )


def _damaged_message():
    return kinds.gettext_noop("The Excel workbook cannot be opened; it may be damaged. Save it again as .xlsx.")


def _blank_header_message():
    return kinds.gettext_noop("The first line is empty; it must be the header row with the column names.")


def _too_many_rows():
    return _file_problem(
        kinds.gettext_noop("The file has more than %(limit)s data rows; split it into smaller files."), limit=MAX_ROWS
    )


def _frame(header, lines, rows):
    """The DataFrame of the canonical columns, blank rows dropped, indexed by line number."""
    positions = _header_positions([str(cell) for cell in header])
    kept_lines, kept_rows = [], []
    for line, row in zip(lines, rows, strict=True):
        picked = [row[position] if position < len(row) else "" for position in positions.values()]
        if any(cell.strip() for cell in picked):
            kept_lines.append(line)
            kept_rows.append(picked)
    if not kept_rows:
        raise _file_problem(kinds.gettext_noop("The file contains no data rows below the header row."))
    if len(kept_rows) > MAX_ROWS:
        raise _too_many_rows()
    frame = pandas.DataFrame(kept_rows, columns=list(positions), index=pandas.Index(kept_lines, name="line"))
    return frame.astype(str)


def _header_positions(header):
    """Canonical column name -> position in the header row; unknown and blank headers are ignored."""
    names = [_header_name(cell) for cell in header]
    if not any(names):
        raise _file_problem(_blank_header_message())
    positions = {}
    for position, name in enumerate(names):
        column = HEADER_ALIASES.get(name)
        if column is None:
            continue
        if column in positions:
            raise _file_problem(kinds.gettext_noop("The column %(column)s appears more than once."), column=column)
        positions[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise _file_problem(
            kinds.gettext_noop("Required columns are missing: %(columns)s."), columns=", ".join(missing)
        )
    return positions


def _header_name(cell):
    name = unicodedata.normalize("NFKC", cell).strip().casefold()
    return "" if _UNNAMED.fullmatch(cell.strip()) else name


# Validating ------------------------------------------------------------------------------------------------------


def parse_figures(
    frame, *, indicators: dict[str, IndicatorSpec], regions: dict[str, str]
) -> tuple[list[Row], list[Problem]]:
    """Validates every row of a `read_table` frame; returns the good rows and all the problems found.

    `indicators` maps indicator codes to their specs; `regions` maps every accepted region name or alias to its
    canonical name. The frame's index holds the line numbers. A row with any problem is not returned.
    """
    indicators_folded = {code.casefold(): spec for code, spec in indicators.items()}
    regions_folded = {name.strip().casefold(): canonical for name, canonical in regions.items()}
    size = len(frame)

    def column(name):
        return [_text(cell) for cell in frame[name].tolist()] if name in frame.columns else [""] * size

    columns = [column(name) for name in COLUMNS]
    nul_anywhere = any("\x00" in "".join(texts) for texts in columns)  # once per file, not once per row
    cells = zip(frame.index.tolist(), *columns, strict=True)
    rows, problems = [], []
    seen = {}  # (indicator, region, year, measure, stage) -> line of its first row
    for line, indicator_text, region_text, year_text, value_text, measure_text, stage_text, note in cells:
        line = int(line)
        found = []  # this row's problems

        def problem(column, message, params=None, found=found, line=line):
            found.append(Problem(line, column, message, params or {}))

        texts = (indicator_text, region_text, year_text, value_text, measure_text, stage_text)
        refused = set()  # the columns already refused: their other checks are skipped
        if "=" in {text[:1] for text in texts}:
            refused = {name for name, text in zip(FORMULA_COLUMNS, texts, strict=True) if text.startswith("=")}
            for name in sorted(refused, key=COLUMNS.index):
                problem(name, kinds.gettext_noop("Formulas are not accepted; enter the value."))
        if nul_anywhere and ("\x00" in "".join(texts) or "\x00" in note):
            refused |= _nul_columns((*texts, note), refused, problem)

        spec = None
        indicator_ok = "indicator" not in refused
        if indicator_ok:
            if not indicator_text:
                indicator_ok = False
                problem("indicator", kinds.gettext_noop("The indicator code is required."))
            else:
                spec = indicators.get(indicator_text) or indicators_folded.get(indicator_text.casefold())
                if spec is None:
                    indicator_ok = False
                    problem("indicator", kinds.gettext_noop("Unknown indicator %(code)s."), {"code": indicator_text})

        region = None
        region_ok = "region" not in refused
        if region_ok and region_text.casefold() not in CITY_NAMES:
            region = regions.get(region_text) or regions_folded.get(region_text.casefold())
            if region is None:
                region_ok = False
                problem("region", kinds.gettext_noop("Unknown region %(name)s."), {"name": region_text})
            elif spec is not None and not spec.by_region:
                region_ok = False
                problem("region", kinds.gettext_noop("This indicator is not broken down by region."))

        year = None
        if "year" not in refused:
            year = _whole_number(year_text)
            if year is None:
                problem("year", kinds.gettext_noop("The year must be a whole number."))
            elif spec is not None and not spec.first_year <= year <= spec.last_year:
                problem(
                    "year",
                    kinds.gettext_noop("The year must lie between %(start)s and %(end)s."),
                    {"start": spec.first_year, "end": spec.last_year},
                )
                year = None

        measure = None
        if "measure" not in refused:
            allowed = kinds.measures(spec.kind, components=spec.components) if spec else kinds.ALL_MEASURES
            name = re.sub(r"[\s-]+", "_", measure_text.casefold())
            if not name:
                measure = kinds.default_measure(spec.kind) if spec else None
            elif name not in kinds.ALL_MEASURES:
                problem(
                    "measure",
                    kinds.gettext_noop("Unknown measure %(measure)s; use one of: %(allowed)s."),
                    {"measure": measure_text, "allowed": ", ".join(allowed)},
                )
            elif spec is not None and not kinds.measure_fits(spec.kind, name, components=spec.components):
                problem(
                    "measure",
                    kinds.gettext_noop("The measure %(measure)s does not fit this indicator; use one of: %(allowed)s."),
                    {"measure": name, "allowed": ", ".join(allowed)},
                )
            else:
                measure = name

        stage = None
        if "stage" not in refused:
            stage = STAGE_NAMES.get(stage_text.casefold()) if stage_text else kinds.FINAL
            if stage is None:
                problem(
                    "stage",
                    kinds.gettext_noop("Unknown stage %(stage)s; use preliminary or final."),
                    {"stage": stage_text},
                )

        value = None
        if "value" not in refused:
            value = _value(value_text, spec, measure, problem)

        if "note" not in refused and len(note) > NOTE_MAX_LENGTH:
            problem(
                "note",
                kinds.gettext_noop("The note may have at most %(limit)s characters."),
                {"limit": NOTE_MAX_LENGTH},
            )

        if indicator_ok and region_ok and None not in (year, measure, stage):
            key = (spec.code, region, year, measure, stage)
            if key in seen:
                problem(
                    None,
                    kinds.gettext_noop("Same indicator, region, year and measure as line %(other)s."),
                    {"other": seen[key]},
                )
            else:
                seen[key] = line

        if found:
            problems.extend(found)
        else:
            rows.append(Row(line, spec.code, region, year, measure, value, stage, note))
    return rows, problems


def _nul_columns(texts, refused, problem):
    """The columns (of COLUMNS) whose cell holds a NUL character, each reported unless already refused."""
    found = {name for name, text in zip(COLUMNS, texts, strict=True) if "\x00" in text} - refused
    for name in sorted(found, key=COLUMNS.index):
        problem(
            name,
            kinds.gettext_noop(
                "The cell holds a NUL character, an invisible code left by a damaged or wrongly exported file. "
                "Delete it, or export the file again as CSV UTF-8."
            ),
        )
    return found


def _text(cell):
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell).strip()


def _normalise_number(text):
    """Full-width digits and signs to ASCII, spaces removed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return _SPACES.sub("", text) if " " in text or not text.isascii() else text


def _decimal(text):
    """The finite Decimal that `text` spells, or None."""
    if not _NUMBER.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _whole_number(text):
    """The int that `text` spells ("2021", "2021.0"), or None."""
    number = _decimal(_normalise_number(text))
    if number is None or number.adjusted() > 8 or number != number.to_integral_value():
        return None
    return int(number)


class BadValue(ValueError):
    """Why a text is not a figure's value: an English template (kinds.gettext_noop) and its placeholders."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def read_value(text):
    """(value, percent) of a figure's value as typed in the entry form or held by an upload's cell: the one rule
    both follow. Raises BadValue.

    Accepted: full-width digits and signs, spaces, thousands separators in groups of three (1,234,567.8), a
    leading sign, an exponent (1e-06, as spreadsheets write small numbers), a trailing percent sign (`percent`
    says so: only a percentage measure takes it, see check_percent). Refused: a decimal comma ("1,5"),
    underscores ("1_000", which Python's Decimal would read), infinities and NaN, other scripts' digits. -0 is 0.
    """
    text = _normalise_number(text.strip())
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    value = _decimal(text)
    if value is None:
        raise BadValue(kinds.gettext_noop("The value must be a number."))
    # By the exponent, not abs(value) >= VALUE_LIMIT: abs() of 1e9999999 overflows the decimal context.
    if not value.is_zero() and value.adjusted() >= VALUE_LIMIT.adjusted():
        raise BadValue(kinds.gettext_noop("The value is too large."))
    if value != value.quantize(Decimal(1).scaleb(-VALUE_DECIMAL_PLACES)):
        raise BadValue(
            kinds.gettext_noop("The value may have at most %(places)s decimal places."), places=VALUE_DECIMAL_PLACES
        )
    if "e" in text or "E" in text:  # 1E+3, from "1e3": stored and shown as 1000
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return (value if value else value.copy_abs()), percent  # no "-0" anywhere downstream


def check_percent(percent, *, unit, measure):
    """Raises BadValue when a value typed as a percentage is for a measure that is not one."""
    is_percent = measure in (kinds.PERCENT_COMPLETE, kinds.CHANGE_RATE) or (
        measure == kinds.LEVEL and unit in kinds.PERCENT_UNITS
    )
    if percent and not is_percent:
        raise BadValue(
            kinds.gettext_noop("A percentage is not accepted for this measure; enter the value in %(unit)s."),
            unit=unit,
        )


def _value(text, spec, measure, problem):
    """The row's value, or None after reporting why it cannot be used."""
    try:
        value, percent = read_value(text)
        if spec is None or measure is None:
            return value
        check_percent(percent, unit=spec.unit, measure=measure)
    except BadValue as bad:
        problem("value", bad.message, bad.params)
        return None
    message = kinds.value_problem(
        kind=spec.kind, unit=spec.unit, measure=measure, value=value, components=spec.components
    )
    if message:
        problem("value", message)
        return None
    return value
