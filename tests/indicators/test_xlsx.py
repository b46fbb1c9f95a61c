"""The bounded XLSX reader (indicators.xlsx): every file of the bad-file corpus (bench/badfiles.py) refused with
its message, the sheet that is read, line numbers across gaps, the declared dimension, and each cap checked with
small Limits. bench/badfiles.py measures the time and memory of each refusal with the real limits."""

import io
import zipfile
import zlib

import openpyxl
import pytest

from bench.badfiles import (
    CORPUS,
    HEADER,
    MAIN,
    ROW,
    Deflated,
    deflate,
    figures,
    figures_with,
    row,
    sheet,
    single,
    styled,
    workbook,
    workbook_relationships,
    zip_bytes,
)
from indicators import parsing, xlsx

ROWS_ALLOWED = parsing.MAX_ROWS  # the limit in the messages: data rows below the header row
LIMITS = xlsx.Limits(last_line=parsing.MAX_ROWS + 1)  # what parsing.read_table reads an upload with

# Each corpus file's message and its parameters, as parsing.read_table refuses it.
EXPECTED = {
    "inflates_to_1gb": (xlsx.TOO_LARGE, {"limit": 64}),
    "zip_bomb": (xlsx.TOO_COMPRESSED, {"part": "xl/worksheets/sheet1.xml"}),  # and a ratio above 200
    "declared_total_too_large": (xlsx.TOO_LARGE, {"limit": 64}),
    "sparse_row_100000000": (xlsx.ROW_TOO_FAR, {"row": 100_000_000, "limit": ROWS_ALLOWED}),
    "sparse_row_1000000000000": (xlsx.ROW_TOO_FAR, {"row": 1_000_000_000_000, "limit": ROWS_ALLOWED}),
    "cell_far_down": (xlsx.ROW_TOO_FAR, {"row": 100_000_000, "limit": ROWS_ALLOWED}),
    "cell_beyond_last_column": (xlsx.DAMAGED, {}),
    "cell_beyond_dimension": (xlsx.OUTSIDE_DIMENSION, {"cell": "H3", "range": "A1:G3"}),
    "row_beyond_dimension": (xlsx.OUTSIDE_DIMENSION, {"cell": "A4", "range": "A1:G3"}),
    "huge_dimension": (xlsx.DIMENSION_TOO_LARGE, {"rows": 1_048_576, "range": "A1:XFD1048576", "limit": ROWS_ALLOWED}),
    "deep_xml": (xlsx.TOO_DEEP, {"limit": 12}),
    "billion_laughs": (xlsx.DOCTYPE, {}),
    "external_entity": (xlsx.DOCTYPE, {}),
    "thousands_of_sheets": (xlsx.TOO_MANY_SHEETS, {"limit": 250}),
    "thousands_of_sheet_parts": (xlsx.TOO_MANY_PARTS, {"limit": 1000}),
    "too_many_zip_entries": (xlsx.TOO_MANY_PARTS, {"limit": 1000}),
    "overlong_text": (xlsx.TEXT_TOO_LONG, {"limit": 32_767}),
    "overlong_rich_text": (xlsx.TEXT_TOO_LONG, {"limit": 32_767}),
    "shared_texts_too_long": (xlsx.SHARED_TEXT_TOO_LONG, {"limit": 16_000_000}),
    "too_many_cells": (xlsx.TOO_MANY_CELLS, {"limit": 300_000}),
    "too_many_date_cells": (xlsx.TOO_MANY_CELLS, {"limit": 300_000}),
    "too_many_elements": (xlsx.TOO_MANY_ELEMENTS, {"limit": 1_000_000}),
    "huge_attribute": (xlsx.TOKEN_TOO_LONG, {"limit": 1024}),
    "huge_comment": (xlsx.TOKEN_TOO_LONG, {"limit": 1024}),
    "too_many_relationships": (xlsx.TOO_MANY_RELATIONSHIPS, {"limit": 1000}),
    "too_many_styles": (xlsx.TOO_MANY_STYLES, {"limit": 65_490}),
    "too_many_number_formats": (xlsx.TOO_MANY_NUMBER_FORMATS, {"limit": 1000}),
    "long_number_format": (xlsx.DAMAGED, {}),
    "damaged_zip": (xlsx.DAMAGED, {}),
    "bad_crc": (xlsx.DAMAGED, {}),
    "all_sheets_hidden": (xlsx.NO_VISIBLE_SHEET, {}),
}
# The files refused only once a cap is reached: reaching the real cap takes most of a second (the bench's
# figures), so here the same files meet a smaller cap of the same kind.
SMALLER_CAP = {
    "too_many_cells": {"cells": 10_000},
    "too_many_date_cells": {"cells": 10_000},
    "too_many_elements": {"elements": 20_000},
    "shared_texts_too_long": {"shared_text": 100_000},
}


def refusal(data):
    """(message, params) of the problem parsing.read_table finds in a workbook it refuses as a whole."""
    with pytest.raises(parsing.FileProblem) as caught:
        parsing.read_table(data, "figures.xlsx")
    problem = caught.value.problem
    assert (problem.line, problem.column) == (None, None)
    return problem.message, problem.params


def refused(data, **limits):
    """(message, params) of xlsx.read_rows refusing `data` under LIMITS changed by `limits`."""
    with pytest.raises(xlsx.Refused) as caught:
        read(data, **limits)
    return caught.value.message, caught.value.params


def read(data, **limits):
    return xlsx.read_rows(data, xlsx.Limits(**{"last_line": LIMITS.last_line, **limits}))


def test_every_corpus_file_has_its_expected_message():
    assert EXPECTED.keys() == CORPUS.keys()


@pytest.mark.parametrize("name", [name for name in CORPUS if name not in SMALLER_CAP])
def test_a_bad_file_is_refused_with_its_message(name):
    message, params = refusal(CORPUS[name]())
    expected_message, expected_params = EXPECTED[name]
    assert message == expected_message
    if name == "zip_bomb":
        assert params.pop("ratio") > LIMITS.ratio
    assert params == expected_params


@pytest.mark.parametrize("name", SMALLER_CAP)
def test_a_bad_file_is_refused_at_its_cap(name):
    limits = SMALLER_CAP[name]
    expected_message, _params = EXPECTED[name]
    assert refused(CORPUS[name](), **limits) == (expected_message, {"limit": next(iter(limits.values()))})


def test_a_good_file_built_like_the_corpus_reads_in_openpyxl_and_here():
    data = figures()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [list(values) for values in book.active.iter_rows(values_only=True)] == [HEADER, ROW]
    frame = parsing.read_table(data, "figures.xlsx")
    assert frame.loc[2].tolist() == ["COD", "鲅鱼圈区", "2021", "120.5", "amount", "final", "ok"]


def test_the_1_gb_bomb_is_a_small_upload_that_declares_1_gb():
    data = CORPUS["inflates_to_1gb"]()
    sizes = {info.filename: info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert sizes["xl/worksheets/sheet1.xml"] == 1024**3 + len(sheet(row(1, HEADER))) and len(data) < 1.5e6


def test_a_block_compressed_once_and_repeated_inflates_to_the_block_repeated():
    # How the bombs are built: if this did not hold, they would be damaged zips, refused for that alone.
    block = b"<row><c><v>1</v></c></row>" * 50
    part = deflate((b"<head>", 1), (block, 3), (b"</head>", 1))
    inflated = zlib.decompress(part.stream, -15)
    assert inflated == b"<head>" + block * 3 + b"</head>"
    assert (zlib.crc32(inflated), len(inflated)) == (part.crc, part.size)


# The sheet read ------------------------------------------------------------------------------------------------------


def titled(title):
    return sheet(row(1, ["indicator", "year", "value"]) + row(2, [title, 2021, 5]))


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read_though_it_is_active(state):
    data = workbook([("Old", state, titled("OLD")), ("Figures", "visible", titled("COD"))], active=0)
    assert parsing.read_table(data, "figures.xlsx")["indicator"].tolist() == ["COD"]


def test_the_active_visible_sheet_is_read_not_the_first():
    sheets = [("Notes", "visible", titled("NOTE")), ("Figures", "visible", titled("COD"))]
    assert read(workbook(sheets, active=1))[1] == (2, ["COD", "2021", "5"])
    assert read(workbook(sheets, active=0))[1] == (2, ["NOTE", "2021", "5"])


def test_an_active_tab_that_is_no_visible_worksheet_falls_back_to_the_first_visible():
    sheets = [("Old", "hidden", titled("OLD")), ("A", "visible", titled("A")), ("B", "visible", titled("B"))]
    assert read(workbook(sheets, active=7))[1][1][0] == "A"
    assert read(workbook(sheets, active=0))[1][1][0] == "A"


# Lines and the declared dimension --------------------------------------------------------------------------------


def test_rows_after_a_gap_keep_the_line_numbers_the_user_sees():
    data = single(
        sheet(row(1, HEADER) + row(2, ROW) + row(5, ROW) + row(7, ["", ""]) + row(9, ROW) + "<row>" + "</row>")
    )
    assert [line for line, _cells in read(data)] == [1, 2, 5, 7, 9]
    assert parsing.read_table(data, "figures.xlsx").index.tolist() == [2, 5, 9]


def test_a_row_without_a_number_follows_the_one_before():
    data = single(sheet(row(1, HEADER) + row(5, ROW) + '<row><c t="inlineStr"><is><t>COD</t></is></c></row>'))
    assert [line for line, _cells in read(data)] == [1, 5, 6]


def test_cells_within_the_declared_dimension_are_read():
    for dimension in ("A1:G3", "$A$1:$G$3", "G3"):
        data = figures(row(3, ROW), dimension=dimension)
        assert [line for line, _cells in read(data)] == [1, 2, 3]


def test_a_dimension_down_to_the_last_line_allowed_is_accepted_one_more_refused():
    last = LIMITS.last_line
    assert len(read(figures(dimension=f"A1:G{last}"))) == 2
    assert refused(figures(dimension=f"A1:G{last + 1}")) == (
        xlsx.DIMENSION_TOO_LARGE,
        {"rows": last + 1, "range": f"A1:G{last + 1}", "limit": ROWS_ALLOWED},
    )


def test_the_last_line_allowed_is_read_the_next_refused():
    last = LIMITS.last_line
    assert read(figures(row(last, ROW)))[-1][0] == last
    assert refused(figures(row(last + 1, ROW))) == (xlsx.ROW_TOO_FAR, {"row": last + 1, "limit": ROWS_ALLOWED})


# Each cap, made small ------------------------------------------------------------------------------------------------


def rows_of(count, width=3):
    return single(sheet("".join(row(n, list(range(width))) for n in range(1, count + 1))))


def test_the_cell_cap_counts_every_cell():
    assert len(read(rows_of(4), cells=12)) == 4
    assert refused(rows_of(4), cells=11) == (xlsx.TOO_MANY_CELLS, {"limit": 11})


def test_cells_beyond_the_columns_read_are_skipped_but_counted():
    data = figures('<row r="3"><c r="A3"><v>1</v></c><c r="XFD3"><v>2</v></c></row>')
    assert read(data, columns=7)[-1] == (3, ["1"])
    assert refused(data, columns=7, cells=15) == (xlsx.TOO_MANY_CELLS, {"limit": 15})  # the 16th: XFD3


def test_the_element_cap_counts_every_part_read():
    data = rows_of(2)  # each part: its root and children; the sheet: 2 rows of 3 cells with a value each
    elements = sum(xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") for xml in parts(data).values())
    assert len(read(data, elements=elements)) == 2
    assert refused(data, elements=elements - 1) == (xlsx.TOO_MANY_ELEMENTS, {"limit": elements - 1})


def parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "[Content_Types].xml"}


def test_the_depth_cap():
    data = figures('<row r="3"><c r="A3" t="inlineStr"><is><r><t>x</t></r></is></c></row>')  # 7 levels
    assert read(data, depth=7)[-1] == (3, ["x"])
    assert refused(data, depth=6) == (xlsx.TOO_DEEP, {"limit": 6})


def test_the_text_cap_holds_for_a_text_and_for_the_runs_of_a_cell():
    assert read(figures(row(3, ["x" * 10])), text=10)[-1] == (3, ["x" * 10])
    assert refused(figures(row(3, ["x" * 11])), text=10) == (xlsx.TEXT_TOO_LONG, {"limit": 10})
    runs = '<row r="3"><c r="A3" t="inlineStr"><is><r><t>xxxxxx</t></r><r><t>xxxxx</t></r></is></c></row>'
    assert refused(figures(runs), text=10) == (xlsx.TEXT_TOO_LONG, {"limit": 10})


def shared(*texts):
    """A workbook whose second row's cells are the shared strings `texts`, in order."""
    items = "".join(f"<si>{text}</si>" for text in texts)
    cells = "".join(f'<c r="{chr(65 + n)}2" t="s"><v>{n}</v></c>' for n in range(len(texts)))
    related = [("worksheets/sheet1.xml", "worksheet"), ("sharedStrings.xml", "sharedStrings")]
    strings = {"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{items}</sst>'.encode()}
    return single(sheet(row(1, HEADER) + f'<row r="2">{cells}</row>'), extra=strings | workbook_relationships(related))


def test_shared_strings_read_without_their_phonetic_guide_and_within_their_caps():
    data = shared("<t>COD</t>", "<r><t>鲅鱼</t></r><r><t>圈区</t></r><rPh><t>ba yu</t></rPh>")
    assert read(data)[1] == (2, ["COD", "鲅鱼圈区"])
    assert refused(data, shared_text=6) == (xlsx.SHARED_TEXT_TOO_LONG, {"limit": 6})
    assert refused(data, cells=1) == (xlsx.TOO_MANY_CELLS, {"limit": 1})
    assert refused(data, text=3) == (xlsx.TEXT_TOO_LONG, {"limit": 3})  # the runs of 鲅鱼圈区 together


def test_the_sheet_cap():
    sheets = [(f"S{n}", "visible", titled("COD")) for n in range(3)]
    assert len(read(workbook(sheets), sheets=3)) == 2
    assert refused(workbook(sheets), sheets=2) == (xlsx.TOO_MANY_SHEETS, {"limit": 2})


def test_the_part_cap_and_the_relationship_cap():
    data = figures()  # 5 parts
    assert len(read(data, entries=5)) == 2
    assert refused(data, entries=4) == (xlsx.TOO_MANY_PARTS, {"limit": 4})
    links = [("worksheets/sheet1.xml", "worksheet")]  # a part may list at most as many links as there may be parts
    assert len(read(figures_with(workbook_relationships(links * 5)), entries=5)) == 2
    assert refused(figures_with(workbook_relationships(links * 6)), entries=5) == (
        xlsx.TOO_MANY_RELATIONSHIPS,
        {"limit": 5},
    )


def test_the_inflated_cap_takes_the_directory_and_the_bytes_inflated():
    data = figures()
    total = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert len(read(data, inflated=total)) == 2
    assert refused(data, inflated=total - 1) == (xlsx.TOO_LARGE, {"limit": 0})


def test_a_part_that_inflates_to_more_than_it_declares_is_refused():
    honest = deflate((sheet(row(1, HEADER) + row(2, ROW) + " " * 100_000), 1))
    lying = Deflated(honest.stream, honest.crc, 1000)  # its directory entry says 1,000 bytes
    assert refusal(single(lying)) == (xlsx.DAMAGED, {})


def test_the_ratio_cap_applies_to_parts_above_1_mb_only():
    padding = b" " * (1024 * 1024)
    below = figures_with({"xl/media/padding.bin": deflate((padding, 1))})
    assert len(read(below)) == 2
    above = figures_with({"xl/media/padding.bin": deflate((padding + b" ", 1))})
    message, params = refused(above)
    assert (message, params["part"]) == (xlsx.TOO_COMPRESSED, "xl/media/padding.bin") and params["ratio"] > 200


def test_the_token_cap():
    data = figures(f'<row r="3"><c r="A3" t="{"x" * 200_000}"><v>1</v></c></row>')
    assert len(read(data)) == 3
    assert refused(data, token=100 * 1024) == (xlsx.TOKEN_TOO_LONG, {"limit": 100})


def test_the_style_caps_and_number_formats_as_excel_allows():
    xfs = '<cellXfs><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="14"/></cellXfs>'
    cells = '<row r="2"><c r="A2" s="1"><v>0.35</v></c><c r="B2" s="2"><v>44197</v></c></row>'
    data = styled(xfs, sheet(row(1, HEADER) + cells))
    assert read(data, styles=3)[1] == (2, ["35%", "2021-01-01 00:00:00"])
    assert refused(data, styles=2) == (xlsx.TOO_MANY_STYLES, {"limit": 2})
    formats = "".join(f'<numFmt numFmtId="{164 + n}" formatCode="0.{"0" * n}"/>' for n in range(3))
    assert len(read(styled(f"<numFmts>{formats}</numFmts>"), number_formats=3)) == 2
    assert refused(styled(f"<numFmts>{formats}</numFmts>"), number_formats=2) == (
        xlsx.TOO_MANY_NUMBER_FORMATS,
        {"limit": 2},
    )
    longest = f'<numFmts><numFmt numFmtId="164" formatCode="{"0" * 255}"/></numFmts>'
    assert len(read(styled(longest))) == 2


def test_the_time_cap_is_checked_as_the_parts_are_inflated():
    ticks = iter(range(100))
    data = figures(row(3, ROW))
    with pytest.raises(xlsx.Refused) as caught:
        xlsx.read_rows(data, xlsx.Limits(last_line=100, seconds=2.5), clock=lambda: next(ticks))
    assert (caught.value.message, caught.value.params) == (xlsx.TOO_SLOW, {"seconds": 2.5})
    assert len(xlsx.read_rows(data, xlsx.Limits(last_line=100, seconds=2.5), clock=lambda: 0)) == 3


def test_a_zip_that_is_not_a_workbook_is_damaged():
    assert refused(zip_bytes({"hello.txt": b"hello"})) == (xlsx.DAMAGED, {})
