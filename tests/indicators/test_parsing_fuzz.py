"""Property-based tests of the figures-file parser: whatever is uploaded, it answers with rows or problems.

Pure: no database. Every test is derandomized (the same examples on every run) and writes no example database,
so a CI run is reproducible; the example counts keep the whole file to a few seconds.
"""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from indicators import kinds, parsing
from indicators.parsing import FileProblem, IndicatorSpec, Row, parse_figures, read_table

# One indicator of every kind, with the units and flags that change what the parser accepts.
SPECS = {
    spec.code: spec
    for spec in (
        IndicatorSpec("EI_GDP", kinds.RELATIVE_REDUCTION, "吨标准煤/万元", True, True, 2020, 2025),
        IndicatorSpec("COD", kinds.CUMULATIVE_TOTAL, "吨", True, False, 2020, 2025),
        IndicatorSpec("STRAW_USE", kinds.AT_LEAST, "%", False, False, 2020, 2025),
        IndicatorSpec("DC_PUE", kinds.AT_MOST, "", False, False, 2021, 2025),
        IndicatorSpec("WATER_LEAKAGE", kinds.POINT_REDUCTION, "%", True, False, 2020, 2030),
        IndicatorSpec("OUTFALL_REMEDIATION", kinds.MILESTONE, "%", False, False, 2020, 2025),
    )
}
REGIONS = {"鲅鱼圈区": "鲅鱼圈区", "Bayuquan District": "鲅鱼圈区", "大石桥市": "大石桥市", "站前区": "站前区"}
CANONICAL_REGIONS = sorted(set(REGIONS.values()))
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
FILENAMES = ("figures.csv", "figures.xlsx", "figures.txt", "figures", "", "figures.exe", "FIGURES.XLSX", "a.b.tsv")


def fuzz_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


# Checks ------------------------------------------------------------------------------------------------------------


def check_problem_renders(problem):
    assert problem.column is None or problem.column in parsing.COLUMNS, problem
    assert all(isinstance(value, str | int) for value in problem.params.values()), problem
    assert set(re.findall(r"%\((\w+)\)", problem.message)) <= set(problem.params), problem
    text = str(problem)  # a placeholder without its param would raise KeyError here
    assert text == problem.text()
    assert text.strip()


def check_file_problem(error):
    problem = error.problem
    assert (problem.line, problem.column) == (None, None)
    check_problem_renders(problem)
    assert str(error) == str(problem)


def check_parsed(frame, rows, problems, last_line):
    """The invariants of parse_figures' answer; `last_line` bounds the line numbers the file has."""
    data_lines = frame.index.tolist()
    assert data_lines == sorted(set(data_lines))
    assert all(2 <= line <= last_line for line in data_lines), (data_lines, last_line)
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line in data_lines, problem
        check_problem_renders(problem)
    problem_lines = {problem.line for problem in problems}
    row_lines = [row.line for row in rows]
    assert row_lines == sorted(set(row_lines))
    # No row is returned for a line with a problem, and no data line goes unanswered.
    assert not problem_lines & set(row_lines)
    assert problem_lines | set(row_lines) == set(data_lines)
    keys = set()
    for row in rows:
        spec = SPECS[row.indicator]
        assert isinstance(row.value, Decimal) and row.value.is_finite()
        assert abs(row.value) < parsing.VALUE_LIMIT
        assert row.value == row.value.quantize(Decimal(1).scaleb(-parsing.VALUE_DECIMAL_PLACES))
        assert isinstance(row.year, int) and spec.first_year <= row.year <= spec.last_year
        assert kinds.measure_fits(spec.kind, row.measure, components=spec.components)
        assert (
            kinds.value_problem(
                kind=spec.kind, unit=spec.unit, measure=row.measure, value=row.value, components=spec.components
            )
            is None
        )
        assert row.stage in kinds.STAGES
        assert row.region is None or (row.region in CANONICAL_REGIONS and spec.by_region)
        assert len(row.note) <= parsing.NOTE_MAX_LENGTH
        key = (row.indicator, row.region, row.year, row.measure, row.stage)
        assert key not in keys
        keys.add(key)


def read_and_parse(data, filename, last_line):
    """read_table then parse_figures; None when the file as a whole was refused."""
    try:
        frame = read_table(data, filename)
    except FileProblem as error:
        check_file_problem(error)
        return None
    rows, problems = parse_figures(frame, indicators=SPECS, regions=REGIONS)
    check_parsed(frame, rows, problems, last_line)
    return rows, problems


def physical_lines(text):
    return len(re.split(r"\r\n|\r|\n", text))


# Arbitrary bytes ---------------------------------------------------------------------------------------------------


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SMALL_XLSX = xlsx_bytes([["indicator", "year", "value"], ["COD", 2021, 5], ["STRAW_USE", 2022, "=1+1"]])
PREFIXES = (
    b"",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"MZ",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"indicator,year,value\n",
    "指标,年份,数值\n".encode("gb18030"),
)


@st.composite
def damaged_workbooks(draw):
    """A real workbook cut short or with a few bytes overwritten."""
    data = bytearray(SMALL_XLSX)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


arbitrary_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(PREFIXES), st.binary(max_size=300)),
    damaged_workbooks(),
)


@fuzz_settings(400)
@given(data=arbitrary_bytes, filename=st.sampled_from(FILENAMES))
@example(data=b"\xfe\xff\xfe\xff", filename="figures.csv")  # a second BOM: csv kept it, pandas dropped it
@example(data=b"\xef\xbb\xbf\xef\xbb\xbf", filename="figures.csv")
@example(data=b"\xff\xfe\xff\xfe\r\x00\n\x00", filename="figures.txt")
def test_arbitrary_bytes_raise_only_file_problem(data, filename):
    read_and_parse(data, filename, last_line=max(physical_lines(data.decode("latin-1")), 10**6))


# Arbitrary text CSV ------------------------------------------------------------------------------------------------

CSV_FILENAMES = ("figures.csv", "figures.txt", "figures", "数据.CSV", "a.b.tsv")
ALIASES = {
    column: sorted(name for name, canonical in parsing.HEADER_ALIASES.items() if canonical == column)
    for column in parsing.COLUMNS
}
ODD_HEADERS = ("Unnamed: 3", "", "extra", "指标名称", "序号", "ｖａｌｕｅ", "value\n", '"year"')
odd_header_names = st.one_of(
    st.sampled_from(sorted(parsing.HEADER_ALIASES)),
    st.sampled_from(ODD_HEADERS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
)
ODD_CELLS = (
    "",
    " ",
    "\t",
    '"',
    '""',
    "\n",
    "\r\n",
    "\r",
    ",",
    "=SUM(A1:A2)",
    "=1+1",
    '="2021"',
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "9" * 40,
    "1,234.5",
    "1,5",
    "-1,234,567.25",
    "5%",
    "%",
    "-3.2%",
    "１２３．５",
    "－５",
    "\u22125",
    "0.1234567",
    "2021.0",
    "２０２１",
    "1e3",
    "全市",
    "City",
    "初步核算",
    "最终",
    "draft",
    "Change Rate",
    "energy-total",
    "%(code)s",
    "x" * 2001,
)
cells = st.one_of(
    st.sampled_from(sorted(SPECS) + [code.lower() for code in SPECS] + ["NOPE"]),
    st.sampled_from(sorted(REGIONS)),
    st.integers(2015, 2032).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(kinds.ALL_MEASURES + kinds.STAGES + tuple(parsing.STAGE_NAMES)),
    st.sampled_from(ODD_CELLS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
# Per column, cells that are often right, so that many rows get past the first check.
likely_cells = {
    "indicator": st.sampled_from(sorted(SPECS) + [code.lower() for code in SPECS]),
    "region": st.sampled_from(["", "全市", *REGIONS]),
    "year": st.one_of(st.integers(2018, 2032).map(str), st.integers(2018, 2032).map(lambda year: f"{year}.0")),
    "value": st.one_of(
        st.decimals(min_value=-200, max_value=10**6, places=2).map(str),
        st.decimals(min_value=0, max_value=100, places=7).map(lambda value: f"{value}%"),
        st.integers(0, 10**15).map(lambda value: f"{value:,}"),
    ),
    "measure": st.sampled_from(["", *kinds.ALL_MEASURES]),
    "stage": st.sampled_from(["", *parsing.STAGE_NAMES]),
    "note": st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
}


@st.composite
def tables(draw):
    """(header names, rows of cells): mostly the known columns in any order and spelling among extra ones."""
    if draw(st.integers(0, 4)) == 0:  # any header at all
        header = draw(st.lists(odd_header_names, min_size=1, max_size=9))
        columns = [parsing.HEADER_ALIASES.get(name) for name in header]
    else:
        optional = draw(st.sets(st.sampled_from([c for c in parsing.COLUMNS if c not in parsing.REQUIRED_COLUMNS])))
        columns = draw(st.permutations([*parsing.REQUIRED_COLUMNS, *sorted(optional)]))
        for _ in range(draw(st.integers(0, 2))):
            columns.insert(draw(st.integers(0, len(columns))), None)
        header = [
            draw(st.sampled_from(ODD_HEADERS[:5]))
            if column is None
            else draw(st.sampled_from(ALIASES[column]).flatmap(lambda n: st.sampled_from([n, n.upper(), f" {n} "])))
            for column in columns
        ]
    width = len(header)
    row_count = draw(st.integers(0, 8))
    rows = []
    for _ in range(row_count):
        size = draw(st.integers(max(width - 2, 0), width + 2))
        rows.append(
            [
                draw(st.one_of(likely_cells[columns[i]], likely_cells[columns[i]], likely_cells[columns[i]], cells))
                if i < width and columns[i] is not None
                else draw(cells)
                for i in range(size)
            ]
        )
    return header, rows


@st.composite
def csv_texts(draw):
    """A CSV text of a table, written properly or with its cells joined raw (quotes and all)."""
    header, rows = draw(tables())
    delimiter = draw(st.sampled_from([",", ",", "\t"]))
    if draw(st.integers(0, 3)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
        writer.writerows([header, *rows])
        return buffer.getvalue()
    return "\n".join(delimiter.join(row) for row in [header, *rows]) + draw(st.sampled_from(["", "\n"]))


@fuzz_settings(400)
@given(text=csv_texts(), encoding=st.sampled_from(ENCODINGS), filename=st.sampled_from(CSV_FILENAMES))
def test_arbitrary_csv_gives_rows_or_problems(text, encoding, filename):
    read_and_parse(text.encode(encoding), filename, last_line=physical_lines(text))


# Arbitrary workbooks ----------------------------------------------------------------------------------------------


def legal(cell):
    """A cell openpyxl will write: it refuses text holding control characters."""
    return not isinstance(cell, str) or openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.search(cell) is None


workbook_cells = st.one_of(
    st.none(),
    cells.filter(legal),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.integers(2018, 2032),
    st.decimals(min_value=-200, max_value=10**6, places=3).map(float),
)


@fuzz_settings(60)
@given(table=tables(), extra=st.lists(st.lists(workbook_cells, max_size=9), max_size=3), percent=st.booleans())
def test_arbitrary_workbooks_give_rows_or_problems(table, extra, percent):
    header, rows = table
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows, *extra]:
        sheet.append([cell if legal(cell) else "" for cell in row])
    if percent:  # shown as 35%, stored as 0.35
        for column in sheet.iter_cols(min_row=2, min_col=3):
            for cell in column:
                cell.number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    read_and_parse(buffer.getvalue(), "figures.xlsx", last_line=len(rows) + len(extra) + 1)


# Valid rows: round trip --------------------------------------------------------------------------------------------

PERCENT_MEASURES = (kinds.PERCENT_COMPLETE, kinds.CHANGE_RATE)
REGION_SPELLINGS = {
    name: [alias for alias, canonical in REGIONS.items() if canonical == name] for name in CANONICAL_REGIONS
}
STAGE_SPELLINGS = {
    stage: [name for name, value in parsing.STAGE_NAMES.items() if value == stage] for stage in kinds.STAGES
}
note_characters = st.characters(exclude_categories=("Cs", "Cc"))


def value_bounds(spec, measure):
    percent = measure == kinds.PERCENT_COMPLETE or (measure == kinds.LEVEL and spec.unit in kinds.PERCENT_UNITS)
    if percent:
        return Decimal(0), Decimal(100)
    top = parsing.VALUE_LIMIT - Decimal("0.000001")
    if measure == kinds.CHANGE_RATE:
        return Decimal("-99.999999"), top
    if measure == kinds.GDP:
        return Decimal("0.000001"), top
    return Decimal(0), top


@st.composite
def valid_rows(draw):
    """(indicator, region, year, measure, value, stage, note) of a row the parser must accept."""
    spec = draw(st.sampled_from(list(SPECS.values())))
    region = draw(st.sampled_from([None, *CANONICAL_REGIONS])) if spec.by_region else None
    year = draw(st.integers(spec.first_year, spec.last_year))
    measure = draw(st.sampled_from(kinds.measures(spec.kind, components=spec.components)))
    low, high = value_bounds(spec, measure)
    magnitude = draw(st.sampled_from([Decimal(1000), high]))  # mostly everyday numbers, sometimes huge ones
    value = draw(st.decimals(min_value=low, max_value=min(high, max(magnitude, low)), places=6))
    stage = draw(st.sampled_from(kinds.STAGES))
    note = draw(st.text(note_characters, max_size=30)).strip()
    return spec, region, year, measure, value, stage, note


def unique_rows(max_size):
    return st.lists(
        valid_rows(), min_size=1, max_size=max_size, unique_by=lambda r: (r[0].code, r[1], r[2], r[3], r[5])
    )


def expected_rows(generated):
    return [
        Row(line, spec.code, region, year, measure, value, stage, note)
        for line, (spec, region, year, measure, value, stage, note) in enumerate(generated, start=2)
    ]


@st.composite
def spelled(draw, generated):
    """The generated rows as the cells of a file: header names and spellings chosen among the accepted ones."""
    columns = draw(st.permutations(parsing.COLUMNS))
    aliases = {
        column: draw(
            st.sampled_from([name for name, canonical in parsing.HEADER_ALIASES.items() if canonical == column])
        )
        for column in columns
    }
    header = [draw(st.sampled_from([name, name.upper(), f" {name} "])) for name in aliases.values()]
    lines = []
    for spec, region, year, measure, value, stage, note in generated:
        plain = format(value, "f")
        texts = {
            "indicator": draw(st.sampled_from([spec.code, spec.code.lower()])),
            "region": draw(st.sampled_from(["", "全市", "City"]))
            if region is None
            else draw(st.sampled_from(REGION_SPELLINGS[region])),
            "year": draw(st.sampled_from([str(year), f"{year}.0", f" {year} "])),
            "value": draw(st.sampled_from([plain, f"{value:,f}", f"{plain}%"]))
            if measure in PERCENT_MEASURES
            else draw(st.sampled_from([plain, f"{value:,f}"])),
            "measure": draw(
                st.sampled_from(
                    ["", measure, measure.upper()] if measure == kinds.default_measure(spec.kind) else [measure]
                )
            ),
            "stage": draw(st.sampled_from(STAGE_SPELLINGS[stage] + ([""] if stage == kinds.FINAL else []))),
            "note": note,
        }
        lines.append([texts[column] for column in columns])
    return header, lines


@fuzz_settings(150)
@given(
    data=st.data(),
    generated=unique_rows(12),
    encoding=st.sampled_from(ENCODINGS),
    line_end=st.sampled_from(["\r\n", "\n", "\r"]),  # Windows, Unix, and Excel for Mac's "CSV (Macintosh)"
)
def test_valid_rows_survive_a_csv_round_trip(data, generated, encoding, line_end):
    header, lines = data.draw(spelled(generated))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows([header, *lines])
    text = buffer.getvalue()
    encoded = text.encode(encoding)
    if encoding == "gb18030":
        # GB18030 bytes that also happen to be valid UTF-8 read as UTF-8: no parser can tell them apart.
        try:
            assume(encoded.decode("utf-8") == text)
        except UnicodeDecodeError:
            pass
    frame = read_table(encoded, "figures.csv")
    rows, problems = parse_figures(frame, indicators=SPECS, regions=REGIONS)
    assert problems == []
    assert rows == expected_rows(generated)


def workbook_value(value):
    """A number cell when a float holds the value exactly as written, else a text cell."""
    if len(value.normalize().as_tuple().digits) <= 15:
        return int(value) if value == value.to_integral_value() else float(value)
    return format(value, "f")


@fuzz_settings(40)
@given(generated=unique_rows(8), number_cells=st.booleans())
def test_valid_rows_survive_an_xlsx_round_trip(generated, number_cells):
    sheet_rows = [list(parsing.COLUMNS)]
    for spec, region, year, measure, value, stage, note in generated:
        cell_value = workbook_value(value) if number_cells else format(value, "f")
        year_cell = year if number_cells else str(year)
        sheet_rows.append([spec.code, region or "", year_cell, cell_value, measure, stage, note])
    rows, problems = parse_figures(
        read_table(xlsx_bytes(sheet_rows), "figures.xlsx"), indicators=SPECS, regions=REGIONS
    )
    assert problems == []
    assert rows == expected_rows(generated)


# Mixed good and bad rows -------------------------------------------------------------------------------------------


@st.composite
def mixed_files(draw):
    """A file of valid rows, some with one cell spoilt; returns the text and the lines left untouched."""
    generated = draw(unique_rows(10))
    header, lines = draw(spelled(generated))
    for line in lines:
        if draw(st.booleans()):
            line[draw(st.integers(0, len(line) - 1))] = draw(cells)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *lines])
    return buffer.getvalue()


@fuzz_settings(150)
@given(text=mixed_files())
def test_no_row_is_returned_for_a_line_with_a_problem(text):
    parsed = read_and_parse(text.encode(), "figures.csv", last_line=physical_lines(text))
    if parsed is not None:
        rows, problems = parsed
        assert not {row.line for row in rows} & {problem.line for problem in problems}
