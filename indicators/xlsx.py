"""A bounded, streaming reader of one worksheet of an XLSX workbook. Pure: the standard library and
openpyxl's number-format helpers, no Django.

openpyxl inflates every part in full and, in read-only mode, fills every gap between rows and cells,
so a small upload can cost gigabytes of memory (a 1 GB sheet XML inside a 1 MB zip) or days of work
(a second row numbered 100,000,000). This reader checks the zip's directory before inflating anything,
then feeds the XML parts through expat in chunks and stops at the first limit passed: bytes inflated,
XML elements, nesting depth, characters of one text, bytes of one tag, links between parts, cell and
number formats, cells, a row or cell beyond the last line allowed or the declared dimension, and time.
Gaps cost nothing: only cells present in the file are visited. bench/badfiles.py measures what refusing
each kind of hostile file costs.

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
    """What one workbook may cost. The defaults hold the 20,000-row upload template (11 columns: 220,000 cells and
    640,000 elements as openpyxl writes it) with a third to a half to spare, and reaching any of them takes under
    a second: reading costs about 2 microseconds a cell, 0.6 an element."""

    last_line: int  # the last sheet row that may hold anything: the header and the data rows
    columns: int = 64  # cells further right are skipped without being read
    cells: int = 300_000  # cells visited, skipped ones included
    elements: int = 1_000_000  # XML elements in all parts read
    inflated: int = 64 * 1024 * 1024  # bytes of all parts once inflated, as the zip directory declares them
    entries: int = 1_000  # parts in the zip
    sheets: int = 250
    ratio: int = 200  # inflated:compressed size of a part above RATIO_FLOOR bytes: a zip bomb
    depth: int = 12  # XML nesting; a sheet needs 7 (worksheet, sheetData, row, c, is, r, t)
    text: int = 32_767  # characters of one text: Excel's limit for a cell
    shared_text: int = 16_000_000  # characters of all shared strings together
    token: int = 1024 * 1024  # bytes of one tag, comment or other markup, which expat holds whole
    styles: int = 65_490  # cell formats (xf): Excel's limit
    number_formats: int = 1_000  # custom number formats; Excel allows about 250
    seconds: float | None = None  # wall-clock budget of one read, None = unbounded


RATIO_FLOOR = 1024 * 1024
MAX_FORMAT_CODE = 255  # characters of a number format: Excel's limit


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
TOKEN_TOO_LONG = gettext_noop(
    "The workbook's XML holds a tag or comment longer than %(limit)s KB, which Excel never writes; it is refused."
)
TOO_MANY_RELATIONSHIPS = gettext_noop(
    "The workbook has more than %(limit)s links between its parts, far more than a figures file needs; it is refused."
)
TOO_MANY_STYLES = gettext_noop(
    "The workbook defines more than %(limit)s cell formats, more than Excel allows; copy the figures into a new "
    "workbook."
)
TOO_MANY_NUMBER_FORMATS = gettext_noop(
    "The workbook defines more than %(limit)s number formats, far more than a figures file needs; copy the figures "
    "into a new workbook."
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
            _feed(archive, parts, book.sheet, budget, sheet.starts, sheet.ends)
            rows = sheet.texts()
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
    return rows


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

    def refuse_element(self, elements, depth):
        """Called once `elements` (counted in the part being read, on top of self.elements) or `depth` is past
        its limit."""
        if self.elements + elements > self.limits.elements:
            raise Refused(TOO_MANY_ELEMENTS, limit=self.limits.elements)
        raise Refused(TOO_DEEP, limit=self.limits.depth)


def _plain_seconds(seconds):
    return int(seconds) if float(seconds).is_integer() else seconds


def _feed(archive, parts, name, budget, starts, ends):
    """Streams part `name` through expat, calling starts[name](attributes) and ends[name](text) for the elements
    whose local names they list. start and end below run for every element of every part read, so they keep
    their counts in locals and pass over the other elements at the cost of a dictionary look-up: refusing a file
    at a cap costs what reading up to that cap costs, and a cap can be set from that."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    limits = budget.limits
    room, deepest, longest = limits.elements - budget.elements, limits.depth, limits.text
    depth = count = length = 0
    text, on_start, on_end = [], _Handlers(starts), _Handlers(ends)

    def refuse_declaration(*_args):
        raise Refused(DOCTYPE)

    def start(tag, attributes):
        nonlocal depth, count, length
        depth += 1
        count += 1
        if count > room or depth > deepest:
            budget.refuse_element(count, depth)
        if length:
            text.clear()
            length = 0
        handler = on_start[tag]
        if handler is not None:
            handler(attributes)

    def end(tag):
        nonlocal depth, length
        depth -= 1
        handler = on_end[tag]
        if length:
            if handler is not None:
                handler("".join(text))
            text.clear()
            length = 0
        elif handler is not None:
            handler("")

    def characters(data):
        nonlocal length
        length += len(data)
        if length > longest:
            raise Refused(TEXT_TOO_LONG, limit=longest)
        text.append(data)

    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    fed = 0
    try:
        with archive.open(parts[name]) as stream:
            while chunk := stream.read(CHUNK):
                budget.chunk(len(chunk))
                parser.Parse(chunk, False)
                fed += len(chunk)
                # What expat has not turned into events yet is one unfinished tag or comment. It keeps it whole
                # and scans it again with every chunk: a 60 MB attribute would take 30 s and 300 MB.
                if fed - max(parser.CurrentByteIndex, 0) > limits.token:
                    raise Refused(TOKEN_TOO_LONG, limit=limits.token // 1024)
        parser.Parse(b"", True)
    finally:
        budget.elements += count


class _Handlers(dict):
    """Expanded element name ("{namespace}c", as expat gives it) -> the handler of its local name ("c") or None,
    worked out once per name. Only the first names met are kept: endless distinct names cannot grow it."""

    def __init__(self, by_local_name):
        super().__init__()
        self.by_local_name = by_local_name

    def __missing__(self, tag):
        handler = self.by_local_name.get(tag.rpartition("}")[2])
        if len(self) < 256:
            self[tag] = handler
        return handler


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
    found, count = {}, [0]
    if rels_name not in parts:
        return found

    def start(attributes):
        count[0] += 1
        if count[0] > budget.limits.entries:  # more links than parts: kept, they would cost memory
            raise Refused(TOO_MANY_RELATIONSHIPS, limit=budget.limits.entries)
        if attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attributes.get("Id")] = (attributes.get("Type", "").rpartition("/")[2], posixpath.normpath(path))

    _feed(archive, parts, rels_name, budget, {"Relationship": start}, {})
    return found


def _workbook(archive, parts, budget):
    """Which sheet to read (the active one when visible, else the first visible worksheet), and the date epoch."""
    package = _relationships(archive, parts, "", budget)
    book_part = next((target for kind, target in package.values() if kind == DOCUMENT_TYPE.rpartition("/")[2]), None)
    book_part = book_part or "xl/workbook.xml"
    related = _relationships(archive, parts, book_part, budget)
    sheets, state = [], {"active": 0, "views": 0, "epoch": WINDOWS_EPOCH}

    def sheet(attributes):
        sheets.append(_local_attributes(attributes))
        if len(sheets) > budget.limits.sheets:
            raise Refused(TOO_MANY_SHEETS, limit=budget.limits.sheets)

    def view(attributes):
        if state["views"] == 0:
            state["active"] = int(attributes.get("activeTab", "0"))
        state["views"] += 1

    def properties(attributes):
        if attributes.get("date1904") in ("1", "true"):
            state["epoch"] = MAC_EPOCH

    starts = {"sheet": sheet, "workbookView": view, "workbookPr": properties}
    _feed(archive, parts, book_part, budget, starts, {})
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
    percents: set  # ... and those that show a percentage


def _styles(archive, parts, book, budget):
    """Each cell format's number format, and which show dates, durations or percentages. Excel's own limits
    on formats bound the work: openpyxl's tests of a format code take microseconds each."""
    name, limits = book.related.get("styles"), budget.limits
    custom, numbers, state = {}, [], {"cellXfs": 0, "numFmt": 0}
    if name in parts:

        def number_format(attributes):
            state["numFmt"] += 1
            if state["numFmt"] > limits.number_formats:
                raise Refused(TOO_MANY_NUMBER_FORMATS, limit=limits.number_formats)
            code = attributes.get("formatCode", "")
            if len(code) > MAX_FORMAT_CODE:
                raise ValueError("a number format longer than Excel allows")
            custom[int(attributes.get("numFmtId", "0"))] = code

        def cell_format(attributes):
            if state["cellXfs"]:  # cell formats, not the cell styles' formats (cellStyleXfs)
                if len(numbers) >= limits.styles:
                    raise Refused(TOO_MANY_STYLES, limit=limits.styles)
                numbers.append(int(attributes.get("numFmtId", "0")))

        def formats_start(_attributes):
            state["cellXfs"] += 1

        def formats_end(_text):
            state["cellXfs"] -= 1

        starts = {"numFmt": number_format, "xf": cell_format, "cellXfs": formats_start}
        _feed(archive, parts, name, budget, starts, {"cellXfs": formats_end})
    formats = [custom.get(number) or BUILTIN_FORMATS.get(number) or "General" for number in numbers]
    # Thousands of cell formats share a few codes: each code is tested once.
    shows = {code: (is_date_format(code), is_timedelta_format(code), is_percent_format(code)) for code in set(formats)}
    dates, durations, percents = ({index for index, code in enumerate(formats) if shows[code][k]} for k in range(3))
    return _Styles(formats, dates, durations, percents)


def _shared_strings(archive, parts, book, budget):
    """Every shared string's text: its plain text or its runs' texts, without the phonetic (rPh) guide."""
    name = book.related.get("sharedStrings")
    strings, pieces, state = [], [], {"phonetic": 0, "total": 0, "length": 0}
    if name not in parts:
        return strings

    def piece(text):
        if not state["phonetic"]:
            pieces.append(text)
            state["length"] += len(text)
            if state["length"] > budget.limits.text:  # the runs of one string together, as Excel counts them
                raise Refused(TEXT_TOO_LONG, limit=budget.limits.text)

    def phonetic(step):
        def handler(_ignored):
            state["phonetic"] += step

        return handler

    def string_end(_text):
        value = "".join(pieces).replace("x005F_", "")
        state["total"] += len(value)
        if state["total"] > budget.limits.shared_text:
            raise Refused(SHARED_TEXT_TOO_LONG, limit=budget.limits.shared_text)
        if len(strings) >= budget.limits.cells:
            raise Refused(TOO_MANY_CELLS, limit=budget.limits.cells)
        strings.append(value)

    def string_start(_attributes):
        pieces.clear()
        state["length"] = 0

    starts = {"si": string_start, "rPh": phonetic(1)}
    _feed(archive, parts, name, budget, starts, {"t": piece, "rPh": phonetic(-1), "si": string_end})
    return strings


# The sheet ----------------------------------------------------------------------------------------------------------


def _reference(text):
    """(row, column) of a cell reference such as "B7"; ValueError when it is not one."""
    match = _REFERENCE.fullmatch(text)
    if not match:
        raise ValueError(text)
    letters, digits = match.groups()
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        _COLUMNS[letters] = column  # at most 26 + 26^2 + 26^3 names
    return int(digits), column


_COLUMNS = {}  # column letters -> number, as met: worked out once, not for every cell
# The parts of a cell kept while it is read, as indexes of a list (lighter than a dict, made for every cell).
_KIND, _STYLE, _VALUE, _FORMULA, _INLINE = range(5)
_PARTS = 5


class _SheetReader:
    """expat handlers for a worksheet; the rows end in `rows`. Every check is made on the element that
    carries the number, so a row or cell far away is refused in constant time, never walked to."""

    def __init__(self, limits, budget, shared, styles, epoch):
        self.limits, self.budget, self.shared, self.styles, self.epoch = limits, budget, shared, styles, epoch
        self.rows = []
        self.bounds = None  # (rows, columns, range text) the sheet declares
        self.line = 0  # the current row's number
        self.cells_seen = 0
        self.most_cells, self.columns_read = limits.cells, limits.columns
        self.last_column = MAX_COLUMN  # or the last the sheet declares
        self.row = None  # the current row's cells: column, then the cell's parts, for each cell kept
        self.cell = None  # the current cell's parts, None while outside a cell or in a skipped one
        self.column = 0
        self.inline = 0  # inside an inline string <is>
        self.inline_length = 0  # characters of the current cell's inline string so far
        self.phonetic = 0

        self.starts = {
            "c": self._cell_start,
            "row": self._row_start,
            "is": self._inline(1),
            "rPh": self._phonetic(1),
            "dimension": self._dimension,
        }
        self.ends = {
            "v": self._value_end,
            "c": self._cell_end,
            "f": self._formula_end,
            "t": self._inline_text_end,
            "is": self._inline(-1),
            "rPh": self._phonetic(-1),
            "row": self._row_end,
        }

    def _inline(self, step):
        def handler(_ignored):
            self.inline += step

        return handler

    def _phonetic(self, step):
        def handler(_ignored):
            self.phonetic += step

        return handler

    def _value_end(self, text):
        if self.cell is not None:
            self.cell[_VALUE] = text

    def _formula_end(self, text):
        if self.cell is not None:
            self.cell[_FORMULA] = text

    def _inline_text_end(self, text):
        cell = self.cell
        if cell is not None and self.inline and not self.phonetic:
            if cell[_INLINE] is None:
                cell[_INLINE], self.inline_length = [], 0
            self.inline_length += len(text)
            if self.inline_length > self.limits.text:  # the runs of one cell together, as Excel counts them
                raise Refused(TEXT_TOO_LONG, limit=self.limits.text)
            cell[_INLINE].append(text)

    def _cell_end(self, _text):
        cell = self.cell
        if cell is not None:
            if cell[_INLINE] is not None:
                cell[_INLINE] = "".join(cell[_INLINE])
            self.row.append(self.column)
            self.row.extend(cell)
        self.cell = None

    def _dimension(self, attributes):
        ref = attributes.get("ref", "")
        last = ref.rpartition(":")[2] if ref else ""
        if not last:
            return
        rows, columns = _reference(last.replace("$", ""))
        if rows > self.limits.last_line:
            raise Refused(DIMENSION_TOO_LARGE, rows=rows, range=ref[:40], limit=self.limits.last_line - 1)
        self.bounds = (rows, columns, ref[:40])
        self.last_column = min(columns, MAX_COLUMN)

    def _row_start(self, attributes):
        number = attributes.get("r")
        if number is None:
            line = self.line + 1
        elif _DIGITS.fullmatch(number):
            line = int(number)
        else:
            raise ValueError(number)
        self._check_line(line, f"A{line}")
        if line <= self.line:
            raise ValueError("rows out of order")
        self.line, self.row, self.column = line, [], 0

    def _check_line(self, line, cell):
        if line > self.limits.last_line:
            raise Refused(ROW_TOO_FAR, row=line, limit=self.limits.last_line - 1)
        if self.bounds is not None and line > self.bounds[0]:
            raise Refused(OUTSIDE_DIMENSION, cell=cell[:20], range=self.bounds[2])

    def _cell_start(self, attributes):
        """Run for every cell: the limits it is checked against are attributes of the reader, one look-up each."""
        if self.row is None:
            raise ValueError("a cell outside a row")
        self.cells_seen += 1
        if self.cells_seen > self.most_cells:
            raise Refused(TOO_MANY_CELLS, limit=self.most_cells)
        reference = attributes.get("r")
        if reference:
            line, column = _reference(reference)
            self._check_line(line, reference)
            if line != self.line:
                raise ValueError("a cell in another row")
        else:
            column = self.column + 1
        if column > self.last_column:
            self._refuse_column(column, reference)
        self.column = column
        if column <= self.columns_read:  # the style stays text until the cell is written out
            self.cell = [attributes.get("t", "n"), attributes.get("s"), None, None, None]
        else:
            self.cell = None

    def _refuse_column(self, column, reference):
        if column > MAX_COLUMN:
            raise ValueError("no such column")
        raise Refused(OUTSIDE_DIMENSION, cell=(reference or f"#{column}")[:20], range=self.bounds[2])

    def _row_end(self, _text):
        if self.row:
            self.rows.append((self.line, self.row))
        self.row = None

    def texts(self):
        """The rows as (line, [cell texts]). Cells become texts only once the sheet is read through, so that
        reaching a cap costs the reading alone (a date takes as long to write out as to read). Until then a row
        is one flat list, column and parts cell after cell: fewer objects for the garbage collector to follow."""
        rows, size = self.rows, 1 + _PARTS
        for index, (line, row) in enumerate(rows):
            texts = [""] * max(row[::size])
            for at in range(0, len(row), size):
                texts[row[at] - 1] = self._text(row[at + 1 : at + size])  # a later cell of a column wins
            rows[index] = (line, texts)  # each row's parts are dropped once its texts are made
        return rows

    def _text(self, cell):
        """The cell as openpyxl (data_only=False) reads it, written as a CSV export would hold it."""
        kind, style, value, formula, inline = cell
        style = int(style) if style else 0
        if formula is not None:
            return "=" + formula if not formula.startswith("=") else formula
        if kind == "inlineStr":
            return inline or ""
        if not value:
            return ""
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            return _temporal_text(from_ISO8601(value))
        if kind != "n":  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
            return value
        number = float(value) if "." in value or "e" in value or "E" in value else int(value)
        styles = self.styles
        if style in styles.dates:
            try:
                return _temporal_text(from_excel(number, self.epoch, timedelta=style in styles.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"
        return _number_text(number, percent=style in styles.percents)


def number_text(value, number_format):
    """A number cell as the text a CSV export of it would hold (as pandas.read_excel shows it)."""
    return _number_text(value, percent=is_percent_format(number_format))


def _number_text(value, *, percent):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if percent:
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
