"""A bounded, streaming reader of one worksheet of an XLSX workbook. Pure: the standard library and
openpyxl's number-format helpers, no Django.

openpyxl inflates every part in full and, in read-only mode, fills every gap between rows and cells,
so a small upload can cost gigabytes of memory (a 1 GB sheet XML inside a 1 MB zip) or days of work
(a second row numbered 100,000,000). This reader checks the zip's directory before inflating anything,
then feeds the XML parts through expat in chunks and stops at the first limit passed: bytes inflated,
XML elements, nesting depth, characters of one text, cells, a row or cell beyond the last line allowed
or the declared dimension, and time. Gaps cost nothing: only cells present in the file are visited.

Cells read as the text a CSV export would hold, as openpyxl reads them (data_only=False): a formula as
its "=..." text, a percent-formatted 0.35 as "35%", dates in ISO form, TRUE/FALSE.
"""

import io
import math
import posixpath
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as day_time
from decimal import Decimal
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from indicators.kinds import gettext_noop

CHUNK = 64 * 1024
MAX_COLUMN = 16_384  # XFD, the last column Excel has
DOCUMENT_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,15})", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,15}", re.ASCII)
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.')


@dataclass(frozen=True)
class Limits:
    """What one workbook may cost. The defaults hold a 20,000-row template several times over."""

    last_line: int  # the last sheet row that may hold anything: the header and the data rows
    columns: int = 64  # cells further right are skipped without being read
    cells: int = 500_000  # cells visited, skipped ones included
    elements: int = 3_000_000  # XML elements in all parts read
    inflated: int = 64 * 1024 * 1024  # bytes of all parts once inflated, as the zip directory declares them
    entries: int = 1_000  # parts in the zip
    sheets: int = 250
    ratio: int = 200  # inflated:compressed size of a part above RATIO_FLOOR bytes: a zip bomb
    depth: int = 12  # XML nesting; a sheet needs 7 (worksheet, sheetData, row, c, is, r, t)
    text: int = 32_767  # characters of one text: Excel's limit for a cell
    shared_text: int = 16_000_000  # characters of all shared strings together
    seconds: float | None = None  # wall-clock budget of one read, None = unbounded


RATIO_FLOOR = 1024 * 1024


class Refused(Exception):
    """The workbook passes a limit or cannot be read; `message` is a gettext_noop template with `params`."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


DAMAGED = gettext_noop("The Excel workbook cannot be opened; it may be damaged. Save it again as .xlsx.")
TOO_LARGE = gettext_noop(
    "The workbook unpacks to more than %(limit)s MB, far more than a figures file needs; it is refused as a "
    "possible zip bomb. Copy the figures into a new workbook."
)
TOO_COMPRESSED = gettext_noop(
    "The workbook part %(part)s is compressed %(ratio)s to 1, far more than a figures file can be; it is refused "
    "as a possible zip bomb. Copy the figures into a new workbook."
)
TOO_MANY_PARTS = gettext_noop(
    "The workbook has more than %(limit)s parts; copy the figures into a new workbook and upload that."
)
TOO_MANY_SHEETS = gettext_noop("The workbook has more than %(limit)s sheets; upload one sheet of figures.")
NO_VISIBLE_SHEET = gettext_noop("The workbook has no visible worksheet.")
DIMENSION_TOO_LARGE = gettext_noop(
    "The sheet declares %(rows)s rows (range %(range)s); a file may have at most %(limit)s data rows below the "
    "header row. Delete what lies below the figures, or split the file."
)
ROW_TOO_FAR = gettext_noop(
    "The sheet has a row numbered %(row)s; a file may have at most %(limit)s data rows below the header row. "
    "Delete what lies below the figures, or split the file."
)
OUTSIDE_DIMENSION = gettext_noop(
    "Cell %(cell)s lies outside the range %(range)s the sheet declares; the workbook may be damaged. Save it "
    "again as .xlsx."
)
TOO_MANY_CELLS = gettext_noop(
    "The sheet has more than %(limit)s cells; keep only the template's columns, or split the file."
)
TOO_MANY_ELEMENTS = gettext_noop(
    "The workbook holds more than %(limit)s XML elements, far more than a figures file needs; it is refused."
)
TOO_DEEP = gettext_noop("The workbook's XML is nested more than %(limit)s levels deep; it is refused.")
DOCTYPE = gettext_noop(
    "The workbook's XML declares a document type or entities, which Excel never writes; it is refused."
)
TEXT_TOO_LONG = gettext_noop(
    "A text in the workbook is longer than %(limit)s characters, more than an Excel cell holds; it is refused."
)
SHARED_TEXT_TOO_LONG = gettext_noop(
    "The workbook's texts together exceed %(limit)s characters, far more than a figures file needs; it is refused."
)
TOO_SLOW = gettext_noop(
    "Reading the workbook took more than %(seconds)s seconds; it is refused. Copy the figures into a new workbook, "
    "or save them as CSV."
)


def read_rows(data, limits, *, clock=time.monotonic):
    """The rows of the workbook's sheet as (line, [cell texts]); the sheet read is the active one if it is
    visible, else the first visible worksheet. Lines count from 1; a row lists its cells from column A
    up to its last cell within `limits.columns`, gaps as "". Raises Refused."""
    budget = _Budget(limits, clock)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise Refused(DAMAGED) from error
    with archive:
        parts = _directory(archive, limits)
        try:
            book = _workbook(archive, parts, budget)
            styles = _styles(archive, parts, book, budget)
            shared = _shared_strings(archive, parts, book, budget)
            sheet = _SheetReader(limits, budget, shared, styles, book.epoch)
            _feed(archive, parts, book.sheet, budget, sheet.start, sheet.end)
        except Refused:
            raise
        except (
            KeyError,
            IndexError,
            ValueError,
            OverflowError,
            expat.ExpatError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise Refused(DAMAGED) from error
    return sheet.rows


# The zip's directory: checked before anything is inflated -----------------------------------------------------------


def _directory(archive, limits):
    """The zip's entries by name, once their count, declared sizes and compression ratios are within limits.
    The inflated size is what the directory declares; zipfile stops a part that inflates to more (and then
    fails its CRC), and _feed counts the bytes it gets anyway."""
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise Refused(TOO_MANY_PARTS, limit=limits.entries)
    if sum(info.file_size for info in infos) > limits.inflated:
        raise Refused(TOO_LARGE, limit=limits.inflated // (1024 * 1024))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Refused(TOO_COMPRESSED, part=info.filename[:100], ratio=info.file_size // max(info.compress_size, 1))
    return {info.filename: info for info in infos}


class _Budget:
    """Counts what the reading has cost so far, and refuses as soon as a limit is passed."""

    def __init__(self, limits, clock):
        self.limits, self.clock = limits, clock
        self.started = clock()
        self.elements = 0
        self.inflated = 0

    def chunk(self, size):
        self.inflated += size
        if self.inflated > self.limits.inflated:
            raise Refused(TOO_LARGE, limit=self.limits.inflated // (1024 * 1024))
        if self.limits.seconds is not None and self.clock() - self.started > self.limits.seconds:
            raise Refused(TOO_SLOW, seconds=_plain_seconds(self.limits.seconds))

    def element(self, depth):
        self.elements += 1
        if self.elements > self.limits.elements:
            raise Refused(TOO_MANY_ELEMENTS, limit=self.limits.elements)
        if depth > self.limits.depth:
            raise Refused(TOO_DEEP, limit=self.limits.depth)


def _plain_seconds(seconds):
    return int(seconds) if float(seconds).is_integer() else seconds


def _feed(archive, parts, name, budget, on_start, on_end):
    """Streams part `name` through expat: on_start(tag, attributes), on_end(tag, text) with local names."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth, text, length = 0, [], 0

    def refuse_declaration(*_args):
        raise Refused(DOCTYPE)

    def start(tag, attributes):
        nonlocal depth, length
        depth += 1
        budget.element(depth)
        text.clear()
        length = 0
        on_start(tag.rpartition("}")[2], attributes)

    def end(tag):
        nonlocal depth, length
        depth -= 1
        on_end(tag.rpartition("}")[2], "".join(text))
        text.clear()
        length = 0

    def characters(data):
        nonlocal length
        length += len(data)
        if length > budget.limits.text:
            raise Refused(TEXT_TOO_LONG, limit=budget.limits.text)
        text.append(data)

    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    with archive.open(parts[name]) as stream:
        while chunk := stream.read(CHUNK):
            budget.chunk(len(chunk))
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _local_attributes(attributes):
    return {key.rpartition("}")[2]: value for key, value in attributes.items()}


# Workbook, relationships, styles, shared strings --------------------------------------------------------------------


@dataclass
class _Book:
    sheet: str  # the part name of the sheet to read
    epoch: datetime
    related: dict  # relationship type (its last path segment) -> part name


def _relationships(archive, parts, part, budget):
    """{id: (type's last segment, target part name)} of a part; {} when it has none."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    found = {}
    if rels_name not in parts:
        return found

    def start(tag, attributes):
        if tag == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attributes.get("Id")] = (attributes.get("Type", "").rpartition("/")[2], posixpath.normpath(path))

    _feed(archive, parts, rels_name, budget, start, lambda tag, text: None)
    return found


def _workbook(archive, parts, budget):
    """Which sheet to read (the active one when visible, else the first visible worksheet), and the date epoch."""
    package = _relationships(archive, parts, "", budget)
    book_part = next((target for kind, target in package.values() if kind == DOCUMENT_TYPE.rpartition("/")[2]), None)
    book_part = book_part or "xl/workbook.xml"
    related = _relationships(archive, parts, book_part, budget)
    sheets, state = [], {"active": 0, "views": 0, "epoch": WINDOWS_EPOCH}

    def start(tag, attributes):
        attributes = _local_attributes(attributes)
        if tag == "sheet":
            sheets.append(attributes)
            if len(sheets) > budget.limits.sheets:
                raise Refused(TOO_MANY_SHEETS, limit=budget.limits.sheets)
        elif tag == "workbookView":
            if state["views"] == 0:
                state["active"] = int(attributes.get("activeTab", "0"))
            state["views"] += 1
        elif tag == "workbookPr" and attributes.get("date1904") in ("1", "true"):
            state["epoch"] = MAC_EPOCH

    _feed(archive, parts, book_part, budget, start, lambda tag, text: None)
    # Only worksheets (not chart sheets) that are neither hidden nor "very hidden", in the workbook's order.
    visible = [
        (position, related[sheet.get("id")][1])
        for position, sheet in enumerate(sheets)
        if sheet.get("state", "visible") == "visible"
        and related.get(sheet.get("id"), ("", ""))[0] == "worksheet"
        and related[sheet.get("id")][1] in parts
    ]
    if not visible:
        raise Refused(NO_VISIBLE_SHEET)
    chosen = next((part for position, part in visible if position == state["active"]), visible[0][1])
    kinds = {kind: target for kind, target in related.values()}
    return _Book(sheet=chosen, epoch=state["epoch"], related=kinds)


@dataclass
class _Styles:
    formats: list  # number format of each cell style (xf), by index
    dates: set  # the style indexes that show a date
    durations: set  # ... and those that show a duration


def _styles(archive, parts, book, budget):
    name = book.related.get("styles")
    custom, numbers, depth = {}, [], {"cellXfs": 0}
    if name in parts:

        def start(tag, attributes):
            if tag == "numFmt":
                custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
            elif tag == "cellXfs":
                depth["cellXfs"] += 1
            elif tag == "xf" and depth["cellXfs"]:
                numbers.append(int(attributes.get("numFmtId", "0")))

        def end(tag, _text):
            if tag == "cellXfs":
                depth["cellXfs"] -= 1

        _feed(archive, parts, name, budget, start, end)
    formats = [custom.get(number) or BUILTIN_FORMATS.get(number) or "General" for number in numbers]
    dates = {index for index, code in enumerate(formats) if is_date_format(code)}
    durations = {index for index, code in enumerate(formats) if is_timedelta_format(code)}
    return _Styles(formats, dates, durations)


def _shared_strings(archive, parts, book, budget):
    """Every shared string's text: its plain text or its runs' texts, without the phonetic (rPh) guide."""
    name = book.related.get("sharedStrings")
    strings, pieces, state = [], [], {"phonetic": 0, "total": 0}
    if name not in parts:
        return strings

    def start(tag, _attributes):
        if tag == "si":
            pieces.clear()
        elif tag == "rPh":
            state["phonetic"] += 1

    def end(tag, text):
        if tag == "t" and not state["phonetic"]:
            pieces.append(text)
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "si":
            value = "".join(pieces).replace("x005F_", "")
            state["total"] += len(value)
            if state["total"] > budget.limits.shared_text:
                raise Refused(SHARED_TEXT_TOO_LONG, limit=budget.limits.shared_text)
            if len(strings) >= budget.limits.cells:
                raise Refused(TOO_MANY_CELLS, limit=budget.limits.cells)
            strings.append(value)

    _feed(archive, parts, name, budget, start, end)
    return strings


# The sheet ----------------------------------------------------------------------------------------------------------


def _reference(text):
    """(row, column) of a cell reference such as "B7"; ValueError when it is not one."""
    match = _REFERENCE.fullmatch(text)
    if not match:
        raise ValueError(text)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


class _SheetReader:
    """expat handlers for a worksheet; the rows end in `rows`. Every check is made on the element that
    carries the number, so a row or cell far away is refused in constant time, never walked to."""

    def __init__(self, limits, budget, shared, styles, epoch):
        self.limits, self.budget, self.shared, self.styles, self.epoch = limits, budget, shared, styles, epoch
        self.rows = []
        self.bounds = None  # (rows, columns, range text) the sheet declares
        self.line = 0  # the current row's number
        self.cells_seen = 0
        self.row = None  # {column: text} of the current row
        self.cell = None  # the current cell's parts, None while outside a cell or in a skipped one
        self.column = 0
        self.inline = 0  # inside an inline string <is>
        self.phonetic = 0

    def start(self, tag, attributes):
        if tag == "c":
            self._cell_start(attributes)
        elif tag == "row":
            self._row_start(attributes.get("r"))
        elif tag == "is":
            self.inline += 1
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "dimension":
            self._dimension(attributes.get("ref", ""))

    def end(self, tag, text):
        cell = self.cell
        if tag == "v" and cell is not None:
            cell["value"] = text
        elif tag == "f" and cell is not None:
            cell["formula"] = text
        elif tag == "t" and cell is not None and self.inline and not self.phonetic:
            cell.setdefault("inline", []).append(text)
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "is":
            self.inline -= 1
        elif tag == "c":
            if cell is not None:
                self.row[self.column] = self._text(cell)
            self.cell = None
        elif tag == "row":
            self._row_end()

    def _dimension(self, ref):
        last = ref.rpartition(":")[2] if ref else ""
        if not last:
            return
        rows, columns = _reference(last.replace("$", ""))
        if rows > self.limits.last_line:
            raise Refused(DIMENSION_TOO_LARGE, rows=rows, range=ref[:40], limit=self.limits.last_line - 1)
        self.bounds = (rows, columns, ref[:40])

    def _row_start(self, number):
        if number is None:
            line = self.line + 1
        elif _DIGITS.fullmatch(number):
            line = int(number)
        else:
            raise ValueError(number)
        self._check_line(line, f"A{line}")
        if line <= self.line:
            raise ValueError("rows out of order")
        self.line, self.row, self.column = line, {}, 0

    def _check_line(self, line, cell):
        if line > self.limits.last_line:
            raise Refused(ROW_TOO_FAR, row=line, limit=self.limits.last_line - 1)
        if self.bounds is not None and line > self.bounds[0]:
            raise Refused(OUTSIDE_DIMENSION, cell=cell[:20], range=self.bounds[2])

    def _cell_start(self, attributes):
        if self.row is None:
            raise ValueError("a cell outside a row")
        self.cells_seen += 1
        if self.cells_seen > self.limits.cells:
            raise Refused(TOO_MANY_CELLS, limit=self.limits.cells)
        reference = attributes.get("r")
        if reference:
            line, column = _reference(reference)
            self._check_line(line, reference)
            if line != self.line:
                raise ValueError("a cell in another row")
        else:
            column = self.column + 1
        if column > MAX_COLUMN:
            raise ValueError("no such column")
        if self.bounds is not None and column > self.bounds[1]:
            raise Refused(OUTSIDE_DIMENSION, cell=(reference or f"#{column}")[:20], range=self.bounds[2])
        self.column = column
        skipped = column > self.limits.columns
        self.cell = None if skipped else {"type": attributes.get("t", "n"), "style": int(attributes.get("s") or 0)}

    def _row_end(self):
        if self.row:
            width = max(self.row)
            self.rows.append((self.line, [self.row.get(column, "") for column in range(1, width + 1)]))
        self.row = None

    def _text(self, cell):
        """The cell as openpyxl (data_only=False) reads it, written as a CSV export would hold it."""
        if "formula" in cell:
            return "=" + cell["formula"] if not cell["formula"].startswith("=") else cell["formula"]
        kind, value = cell["type"], cell.get("value") or None
        if kind == "inlineStr":
            return "".join(cell["inline"]) if "inline" in cell else ""
        if value is None:
            return ""
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            return _temporal_text(from_ISO8601(value))
        if kind != "n":  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
            return value
        number = float(value) if any(mark in value for mark in ".eE") else int(value)
        style = cell["style"]
        if style in self.styles.dates:
            try:
                return _temporal_text(from_excel(number, self.epoch, timedelta=style in self.styles.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"
        number_format = self.styles.formats[style] if style < len(self.styles.formats) else "General"
        return number_text(number, number_format)


def number_text(value, number_format):
    """A number cell as the text a CSV export of it would hold (as pandas.read_excel shows it)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if is_percent_format(number_format):
        # Shown as 35% and stored as 0.35: keep what the user sees.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return plain(number * 100) + "%"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 2021, not 2021.0
    return repr(value)  # the shortest text that gives the same number: 0.35, not 0.34999999999999998


def _temporal_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | day_time):
        return value.isoformat()
    return str(value)  # a duration


def is_percent_format(number_format):
    return "%" in _QUOTED_OR_ESCAPED.sub("", number_format or "")


def plain(number):
    """2021 for 2021.0, 0.35 for 0.35, 0.0000001 for 1e-07: no exponent, no trailing zeros."""
    if number == number.to_integral_value():
        return str(int(number)) if number.adjusted() < 30 else format(number, "f")
    return format(number.normalize(), "f")
