"""Hostile workbooks, and the time and memory of refusing each (issue 11: at most 1 s and 100 MB each).

    .venv/bin/python bench/badfiles.py

CORPUS maps a name to a zero-argument builder returning the file's bytes; tests/indicators/test_xlsx.py checks
that each is refused with the right message. The builders write the zip themselves (local headers, central
directory) so that a part inflating to 1 GB costs them milliseconds: its deflate stream is one compressed block
repeated (see `deflate`). Every part is a real deflate stream with a correct CRC, so each file is a valid zip.

`main()` reads each file with parsing.read_table in a fresh interpreter (the child imports what the upload
path imports, then reads the file) and prints per file: its size, what its zip directory says it unpacks to, the
wall and CPU time of read_table, the peak of memory allocated during it (tracemalloc, in a second read), the
child's peak RSS and how much read_table added to it, and the outcome. A good 20,000-row template is read first,
as the floor. The last line says whether every hostile file was refused within 1 s and 100 MB. Nothing is
saved anywhere: read_table is pure, and the files are handed to the child through a temporary directory.
Name files on the command line to measure only those ("template" is the good one).
"""

import functools
import io
import json
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_SECONDS, GOAL_MB = 1.0, 100
MIB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["indicator", "region", "year", "value", "measure", "stage", "note"]
ROW = ["COD", "鲅鱼圈区", 2021, 120.5, "amount", "final", "ok"]


# Writing a zip ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deflated:
    """A part's raw deflate stream, the CRC-32 and size of what it inflates to."""

    stream: bytes
    crc: int
    size: int


def deflate(*runs):
    """The Deflated part made of `runs`, each (block, times): `block` repeated `times` times, in order.
    Each block is compressed once and its compressed bytes repeated: a full flush after a block clears
    zlib's history, so compressing the same block again would give the same bytes. The CRC is still
    computed over every byte the part inflates to."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream, crc, size = [], 0, 0
    for block, times in runs:
        stream.append((compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(block, crc)
        size += len(block) * times
    stream.append(compressor.flush())
    return Deflated(b"".join(stream), crc, size)


def zip_bytes(parts):
    """A zip holding `parts` ({name: bytes or Deflated}, in order), every part deflated."""
    out, directory = io.BytesIO(), []
    for name, content in parts.items():
        part = content if isinstance(content, Deflated) else deflate((content, 1))
        encoded, offset = name.encode(), out.tell()
        fields = (8, 0, 0x21, part.crc, len(part.stream), part.size, len(encoded))  # deflate, 1980-01-01
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + encoded + part.stream)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset))
        directory.append(encoded)
    start = out.tell()
    out.write(b"".join(directory))
    count, length = len(parts), out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, length, start, 0))
    return out.getvalue()


# Writing a workbook -------------------------------------------------------------------------------------------------


def column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(reference, value):
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{reference}"><v>{value}</v></c>'


def row(number, values):
    cells = "".join(cell(f"{column_letters(index)}{number}", value) for index, value in enumerate(values, 1))
    return f'<row r="{number}">{cells}</row>'


def sheet(rows="", dimension=None, prologue=""):
    """A worksheet's XML; `rows` is the sheetData's content, `prologue` goes before the root element."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{prologue}<worksheet xmlns="{MAIN}">{declared}<sheetData>{rows}</sheetData></worksheet>'.encode()


def relationships(targets, kind="worksheet"):
    """A .rels part: rId1.. pointing to `targets`."""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{DOC_RELS}/{kind}" Target="{target}"/>' for n, target in enumerate(targets, 1)
    )
    return f'<Relationships xmlns="{RELS}">{items}</Relationships>'.encode()


def workbook_xml(sheets, active=0, prologue=""):
    """xl/workbook.xml listing `sheets` as (name, state) with relationship ids rId1..; `active` is the active tab."""
    items = "".join(
        f'<sheet name="{name}" sheetId="{n}" state="{state}" r:id="rId{n}"/>'
        for n, (name, state) in enumerate(sheets, 1)
    )
    views = f'<bookViews><workbookView activeTab="{active}"/></bookViews>'
    return (
        f'{prologue}<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">{views}<sheets>{items}</sheets></workbook>'.encode()
    )


def workbook(sheets, active=0, extra=None, book=None):
    """A workbook's bytes; `sheets` lists (name, state, sheet XML or Deflated); `extra` adds parts;
    `book` replaces xl/workbook.xml."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    parts = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": relationships(["xl/workbook.xml"], kind="officeDocument"),
        "xl/workbook.xml": book or workbook_xml([(name, state) for name, state, _xml in sheets], active),
        "xl/_rels/workbook.xml.rels": relationships([f"worksheets/sheet{n}.xml" for n in range(1, len(sheets) + 1)]),
    }
    for n, (_name, _state, xml) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    return zip_bytes(parts | (extra or {}))


def single(xml, **options):
    """A workbook of one visible sheet."""
    return workbook([("Sheet1", "visible", xml)], **options)


def figures(*more_rows, dimension=None):
    """A one-sheet workbook: the header, one good row, then `more_rows` (row XML)."""
    return single(sheet(row(1, HEADER) + row(2, ROW) + "".join(more_rows), dimension=dimension))


# The corpus ---------------------------------------------------------------------------------------------------------

# 1 MiB of the sheet: one row of figures, then spaces (XML allows them between rows). Repeated, it compresses about
# 1000:1, as much as deflate can: the 1 GB sheet of issue 11 came in a 1 MB file.
_ROW_XML = ("<row>" + "".join(cell("", value).replace(' r=""', "") for value in ROW) + "</row>").encode()
ROWS_MIB = _ROW_XML + b" " * (MIB - len(_ROW_XML))
_HEAD, _TAIL = sheet(row(1, HEADER)).split(b"</sheetData>")[0], b"</sheetData></worksheet>"


@functools.cache
def noise_mib():
    """1 MiB of "x" with a seeded random letter every 10 bytes: it compresses about 14:1, well below the ratio
    refused."""
    letters = random.Random(11).choices(b"abcdefghij", k=MIB)
    return bytes(letter if n % 10 == 0 else 120 for n, letter in enumerate(letters))


def inflates_to_1gb():
    """A 1 MB workbook whose sheet inflates to 1 GiB: 1,024 rows of figures and spaces (issue 11's first finding)."""
    return single(deflate((_HEAD, 1), (ROWS_MIB, 1024), (_TAIL, 1)))


def zip_bomb():
    """A sheet compressed 1000:1 (48 MiB from 50 KB): within the total allowed, but no figures file is that
    repetitive."""
    return single(deflate((_HEAD, 1), (ROWS_MIB, 48), (_TAIL, 1)))


def declared_total_too_large():
    """65 extra parts of 1 MiB: each below the size where the ratio is checked, 65 MiB together."""
    padding = deflate((b" " * MIB, 1))
    return figures_with({f"xl/media/padding{n}.bin": padding for n in range(65)})


def figures_with(extra):
    return single(sheet(row(1, HEADER) + row(2, ROW)), extra=extra)


def sparse_row_100000000():
    """4.7 KB in the issue: the second row is row 100,000,000 (openpyxl walked every row up to it)."""
    return figures(row(100_000_000, ROW))


def sparse_row_1000000000000():
    return figures(row(1_000_000_000_000, ROW))


def cell_far_down():
    """A cell whose reference names a row far below the row it is in."""
    return figures('<row r="3"><c r="A100000000"><v>1</v></c></row>')


def cell_beyond_last_column():
    """Column XFE: one past the last column Excel has."""
    return figures('<row r="3"><c r="XFE3"><v>1</v></c></row>')


def cell_beyond_dimension():
    return figures('<row r="3"><c r="H3"><v>1</v></c></row>', dimension="A1:G3")


def row_beyond_dimension():
    return figures(row(4, ROW), dimension="A1:G3")


def huge_dimension():
    return figures(dimension="A1:XFD1048576")


def deep_xml():
    """100,000 nested elements inside a cell (700 KB: below the size where the ratio is checked)."""
    nested = "<x>" * 100_000 + "</x>" * 100_000
    return single(sheet(row(1, HEADER) + f'<row r="2"><c r="A2"><v>{nested}</v></c></row>'))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def billion_laughs():
    """Entities that expand to 10^9 "lol"s, used in a cell."""
    return single(
        sheet(row(1, HEADER) + '<row r="2"><c r="A2" t="str"><v>&lol9;</v></c></row>', prologue=BILLION_LAUGHS)
    )


def external_entity():
    """An entity naming a file on the server, in xl/workbook.xml."""
    prologue = '<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    book = workbook_xml([("&secret;", "visible")], prologue=prologue)
    return single(sheet(row(1, HEADER) + row(2, ROW)), book=book)


def thousands_of_sheets():
    """5,000 sheets listed in the workbook, all of them the same part (so the zip stays small)."""
    items = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId1"/>' for n in range(1, 5001))
    book = f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{items}</sheets></workbook>'.encode()
    return single(sheet(row(1, HEADER) + row(2, ROW)), book=book)


def too_many_zip_entries():
    """55,000 empty parts: as many as fit in an upload of 5 MB. zipfile reads the whole directory before the
    count can be checked."""
    return zip_bytes({f"{n:x}": b"" for n in range(55_000)})


def thousands_of_sheet_parts():
    """5,000 real sheets: 5,000 parts in the zip."""
    xml = sheet(row(1, HEADER) + row(2, ROW))
    return workbook([(f"S{n}", "visible", xml) for n in range(1, 5001)])


def overlong_text():
    """A cell of 40,000 characters; Excel holds at most 32,767."""
    return figures(row(3, ["COD", "x" * 40_000]))


def overlong_rich_text():
    """A cell of 40 runs of 1,000 characters: each run within Excel's limit, the cell past it."""
    runs = "".join(f"<r><t>{'x' * 1000}</t></r>" for _ in range(40))
    return figures(f'<row r="3"><c r="A3" t="inlineStr"><is>{runs}</is></c></row>')


def shared_texts_too_long():
    """17 million characters of shared strings in Chinese (the costliest in memory: 2 bytes a character in Python),
    17,000 strings of 1,000: 170 strings ending in seeded random digits (which keep the ratio below the one
    refused), repeated."""
    noise = random.Random(11)
    block = "".join(f"<si><t>{'营口' * 485}{noise.randrange(10**30):030d}</t></si>" for _ in range(170)).encode()
    related = [("worksheets/sheet1.xml", "worksheet"), ("sharedStrings.xml", "sharedStrings")]
    strings = deflate((f'<sst xmlns="{MAIN}">'.encode(), 1), (block, 100), (b"</sst>", 1))
    return figures_with({"xl/sharedStrings.xml": strings, **workbook_relationships(related)})


def workbook_relationships(related):
    """xl/_rels/workbook.xml.rels naming the parts `related`, (target, kind) pairs."""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{DOC_RELS}/{kind}" Target="{target}"/>'
        for n, (target, kind) in enumerate(related, 1)
    )
    return {"xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{items}</Relationships>'.encode()}


def too_many_cells():
    """20,100 rows of 26 number cells (522,600 cells); the rows are 100 rows of seeded random values, repeated,
    so the ratio stays low and nothing repeats within a row."""
    noise = random.Random(11)
    block = "".join(
        "<row>" + "".join(f"<c><v>{noise.randrange(10**6)}</v></c>" for _ in range(26)) + "</row>" for _ in range(100)
    )
    return single(deflate((_HEAD, 1), (block.encode(), 201), (_TAIL, 1)))


def too_many_date_cells():
    """As too_many_cells, but every cell a date (style 1 shows numFmt 14, m/d/yyyy): the costliest cells to write
    out as text, which the reader does only once the whole sheet is read."""
    noise = random.Random(11)
    block = "".join(
        "<row>" + "".join(f'<c s="1"><v>{noise.randrange(40_000, 50_000)}</v></c>' for _ in range(26)) + "</row>"
        for _ in range(100)
    )
    sheet_xml = deflate((_HEAD, 1), (block.encode(), 201), (_TAIL, 1))
    return styled('<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>', sheet_xml)


def too_many_elements():
    """3.1 million elements that are not cells, in the sheet's extension list (where Excel keeps what it does
    not know): 10,000 elements of seeded random names, repeated."""
    noise = random.Random(11)
    block = "".join(f"<x{noise.randrange(10)}/>" for _ in range(10_000)).encode()
    head = sheet(row(1, HEADER) + row(2, ROW)).split(b"</worksheet>")[0] + b'<extLst><ext uri="bench">'
    return single(deflate((head, 1), (block, 310), (b"</ext></extLst></worksheet>", 1)))


def huge_attribute():
    """A cell whose type attribute is 60 MB long (noise keeps the ratio low): expat holds a tag whole, and
    scans it again for every chunk fed."""
    head = _HEAD + b'<row r="2"><c r="A2" t="'
    return single(deflate((head, 1), (noise_mib(), 60), (b'"><v>1</v></c></row>' + _TAIL, 1)))


def huge_comment():
    """A 60 MB comment with "<" and ">" in it."""
    return single(deflate((_HEAD + b"<!--", 1), (noise_mib().replace(b"a", b"<>"), 60), (b"-->" + _TAIL, 1)))


def too_many_relationships():
    """A million relationships in the package's list of parts, each of which was kept in memory: 10,000 of
    distinct ids, repeated."""
    office = f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" '
    many = "".join(f'<Relationship Id="r{n}" Target="t"/>' for n in range(10_000)).encode()
    rels = deflate((f'{office}Target="xl/workbook.xml"/>'.encode(), 1), (many, 100), (b"</Relationships>", 1))
    return figures_with({"_rels/.rels": rels})


def styled(styles, sheet_xml=None):
    """A one-sheet workbook with `styles` (the XML inside styleSheet) as its styles part."""
    related = [("worksheets/sheet1.xml", "worksheet"), ("styles.xml", "styles")]
    parts = {"xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'.encode()}
    return single(sheet_xml or sheet(row(1, HEADER) + row(2, ROW)), extra=parts | workbook_relationships(related))


def too_many_styles():
    """66,000 cell formats; Excel allows 65,490."""
    return styled("<cellXfs>" + "<xf/>" * 66_000 + "</cellXfs>")


def too_many_number_formats():
    """5,000 number formats of up to 200 characters each; Excel allows about 250."""
    formats = "".join(f'<numFmt numFmtId="{164 + n}" formatCode="{"0" * (n % 200 + 1)}.00"/>' for n in range(5_000))
    return styled(f"<numFmts>{formats}</numFmts>")


def long_number_format():
    """A number format of 300 characters; Excel allows 255."""
    return styled(f'<numFmts><numFmt numFmtId="164" formatCode="{"0" * 300}"/></numFmts>')


def damaged_zip():
    """A good workbook cut in half."""
    data = figures()
    return data[: len(data) // 2]


def bad_crc():
    """A good workbook with one byte of its sheet's deflate stream changed."""
    xml = sheet(row(1, HEADER) + row(2, ROW))
    data = bytearray(single(xml))
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[start + 10] ^= 0x55
    return bytes(data)


def all_sheets_hidden():
    xml = sheet(row(1, HEADER) + row(2, ROW))
    return workbook([("A", "hidden", xml), ("B", "veryHidden", xml)])


CORPUS = {
    builder.__name__: builder
    for builder in (
        inflates_to_1gb,
        zip_bomb,
        declared_total_too_large,
        sparse_row_100000000,
        sparse_row_1000000000000,
        cell_far_down,
        cell_beyond_last_column,
        cell_beyond_dimension,
        row_beyond_dimension,
        huge_dimension,
        deep_xml,
        billion_laughs,
        external_entity,
        thousands_of_sheets,
        thousands_of_sheet_parts,
        too_many_zip_entries,
        overlong_text,
        overlong_rich_text,
        shared_texts_too_long,
        too_many_cells,
        too_many_date_cells,
        too_many_elements,
        huge_attribute,
        huge_comment,
        too_many_relationships,
        too_many_styles,
        too_many_number_formats,
        long_number_format,
        damaged_zip,
        bad_crc,
        all_sheets_hidden,
    )
}


def good_template(rows=20_000):
    """The upload template (indicators.workbook) with `rows` rows, every column filled: the floor."""
    from indicators.workbook import figures_template

    return figures_template(
        {
            "indicator": f"BENCH_{n // 10}",
            "region": "全市",
            "year": 2021 + n % 5,
            "measure": "level",
            "stage": "final" if n % 2 else "preliminary",
            "value": n / 4,
            "note": "核实",
            "name": f"指标{n // 10}",
            "unit": "%",
            "target": "≥ 90",
            "measures": "level",
        }
        for n in range(rows)
    )


# Measuring ----------------------------------------------------------------------------------------------------------


def measure(path):
    """In the child: read the file as an upload is read (parsing.read_table), twice: timed, then under
    tracemalloc (which slows Python down, so that run is not timed). Prints one line of JSON."""
    import tracemalloc

    from indicators import parsing

    data = Path(path).read_bytes()
    before = peak_rss()  # the interpreter, pandas and the file
    wall, cpu = time.perf_counter(), time.process_time()
    refused, outcome = read(parsing, data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = peak_rss()
    tracemalloc.start()
    read(parsing, data)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result = {"refused": refused, "outcome": outcome, "wall": wall, "cpu": cpu, "traced": traced / MIB}
    print(json.dumps(result | {"rss": after / MIB, "rss_growth": (after - before) / MIB}))


def peak_rss():
    """This process's peak resident memory in bytes: VmHWM, which starts afresh when a program is executed.
    (ru_maxrss would not: Linux carries the forking parent's peak over into the child.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def read(parsing, data):
    try:
        frame = parsing.read_table(data, "figures.xlsx", seconds=10.0)  # UPLOAD_PARSE_SECONDS' default
    except parsing.FileProblem as problem:
        return True, str(problem)
    return False, f"read {len(frame)} rows"


def run(name, data, folder):
    """The child's measurements of reading `data`; the file is deleted again at once."""
    path = Path(folder) / f"{name}.xlsx"
    path.write_bytes(data)
    try:
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True, cwd=ROOT
        )
    finally:
        path.unlink()
    return json.loads(child.stdout.splitlines()[-1])


def declared(data):
    """The inflated size of all parts as the zip's directory declares it, or "-" when it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return size_text(sum(info.file_size for info in archive.infolist()))
    except (zipfile.BadZipFile, OSError, ValueError):
        return "-"


def size_text(size):
    return f"{size / MIB:.1f} MB" if size >= MIB else f"{size / 1024:.1f} KB"


def main(names):
    """Measures the template and the files of CORPUS (or only those named); 1 when a hostile file misses the goal."""
    files = {"template": good_template, **CORPUS}
    print("template: the upload template with 20,000 rows, every column filled (the floor, read in full)")
    columns = ("size", 8), ("unpacks to", 10), ("wall", 7), ("cpu", 7), ("traced", 7), ("RSS", 6), ("+RSS", 5)
    print(f"{'file':<26} " + " ".join(f"{title:>{width}}" for title, width in columns) + "  outcome")
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names or files:
            data = files[name]()
            result = run(name, data, folder)
            print(
                f"{name:<26} {size_text(len(data)):>8} {declared(data):>10} {result['wall'] * 1000:>5.0f}ms"
                f" {result['cpu'] * 1000:>5.0f}ms {result['traced']:>5.1f}MB {result['rss']:>4.0f}MB"
                f" {result['rss_growth']:>3.0f}MB  {result['outcome'][:100]}"
            )
            worst_memory = max(result["traced"], result["rss_growth"])
            if name != "template" and not (
                result["refused"] and result["wall"] <= GOAL_SECONDS and worst_memory <= GOAL_MB
            ):
                missed.append(name)
    hostile = len([name for name in names or files if name != "template"])
    print(
        f"goal, each hostile file refused within {GOAL_SECONDS:g} s (wall) and {GOAL_MB} MB (traced, and RSS growth): "
        + (f"met by all {hostile}" if not missed else f"NOT met by {', '.join(missed)}")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        sys.exit(main(sys.argv[1:]))
