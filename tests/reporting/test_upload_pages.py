"""Upload: template download, preview with per-row problems and replaced values, confirm all or nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import parsing
from indicators.models import Figure, Indicator, Upload

UPLOAD = reverse("reporting:upload")
TEMPLATE = reverse("reporting:upload-template")


def send(client, content, name="figures.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def test_template_lists_what_the_user_may_report_and_reads_back(client, clerk, plan):
    client.force_login(clerk)
    response = client.get(TEMPLATE)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    frame = parsing.read_table(response.content, "template.xlsx")
    codes = set(frame["indicator"])
    assert {"COD", "STEEL_ULE"} <= codes and "EI_GDP" not in codes  # 市发改委's, not 市生态环境局's
    assert set(frame["region"]) == {"全市"}
    # COD (a cumulative total) from 2021; STEEL_ULE (a level, no baseline value) from 2020.
    assert sorted(frame[frame["indicator"] == "COD"]["year"]) == ["2021", "2022", "2023", "2024", "2025"]
    assert "2020" in set(frame[frame["indicator"] == "STEEL_ULE"]["year"])


def test_filled_template_goes_through_preview_and_confirm(client, clerk, plan):
    client.force_login(clerk)
    book = openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE).content))
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "COD" and row[2].value == 2021:
            row[5].value = 610
        if row[0].value == "STEEL_ULE" and row[2].value in (2020, 2021):
            row[5].value = 40 if row[2].value == 2020 else 45
    buffer = io.BytesIO()
    book.save(buffer)
    response = send(client, buffer.getvalue(), "filled.xlsx")
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200 and "确认并提交 3 行" in page
    assert not Figure.objects.exists()  # nothing before confirmation

    response = client.post(response["Location"])
    assert response.status_code == 302
    assert sorted(Figure.objects.values_list("statistic__code", "year", "value", "status")) == [
        ("COD", 2021, 610, "submitted"),
        ("STEEL_ULE", 2020, 40, "submitted"),
        ("STEEL_ULE", 2021, 45, "submitted"),
    ]
    upload = Upload.objects.get()
    assert (upload.status, upload.summary["created"]) == ("imported", 3)
    assert client.post(reverse("reporting:upload-preview", args=[upload.pk])).status_code == 200  # once only
    assert Figure.objects.count() == 3


def test_preview_shows_what_is_replaced(client, clerk, plan):
    steel = Indicator.objects.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2021, measure="level", value=44, status="returned")
    client.force_login(clerk)
    response = send(client, b"indicator,year,value\nSTEEL_ULE,2021,45\n")
    page = client.get(response["Location"]).content.decode()
    assert "替换当前数值" in page
    assert '44 <span class="badge figure-status status-returned"' in page  # the earlier value beside the new


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"indicator,year,value\nSTEEL_ULE,2021,150\n", "a.csv", "第 2 行"),
        ("指标代码,年份,数值\nEI_GDP,2021,0.5\n".encode("gbk"), "gbk.csv", "无权报送 EI_GDP"),
    ],
)
def test_bad_rows_show_problems_and_save_nothing(client, clerk, plan, content, name, fragment):
    client.force_login(clerk)
    response = send(client, content, name)
    assert response.status_code == 302  # kept, then shown with its problems
    preview = client.get(response["Location"])
    assert preview.status_code == 400
    assert fragment in preview.content.decode()
    confirm = client.post(response["Location"])
    assert confirm.status_code == 400
    assert not Figure.objects.exists()
    assert Upload.objects.get().status == "rejected"


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"\n\n", "empty.csv", "文件"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "figures.xlsx", "文件"),
        (b"indicator,year,value\nSTEEL_ULE,2021,\n", "blank.csv", "没有任何一行填写了数值"),
    ],
)
def test_files_refused_as_a_whole_are_said_on_the_upload_page(client, clerk, plan, content, name, fragment):
    client.force_login(clerk)
    response = send(client, content, name)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not Figure.objects.exists()
    upload = Upload.objects.get()  # who uploaded what is kept, the bytes are not
    assert (upload.status, bytes(upload.data), upload.rows) == ("rejected", b"", [])


def test_every_problem_is_shown_at_once(client, clerk, plan):
    client.force_login(clerk)
    content = b"indicator,year,value\nSTEEL_ULE,2021,150\nEI_GDP,2021,0.5\nSTEEL_ULE,2022,45\n"
    page = client.get(send(client, content)["Location"]).content.decode()
    assert page.index("第 2 行") < page.index("第 3 行")  # the bad value, then the row out of scope
    assert "2 个问题" in page


def test_a_locked_figure_is_a_problem_in_the_preview(client, clerk, plan):
    steel = Indicator.objects.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2021, measure="level", value=44, status="approved")
    client.force_login(clerk)
    response = send(client, b"indicator,year,value\nSTEEL_ULE,2021,45\n")
    assert "已审核并锁定" in client.get(response["Location"]).content.decode()


def test_files_over_5_mb_are_refused(client, clerk, plan):
    client.force_login(clerk)
    big = b"indicator,year,value\n" + b"STEEL_ULE,2021,45\n" * 300_000
    response = send(client, big)
    assert response.status_code == 400
    assert "超过 5 MB" in response.content.decode()
    assert not Upload.objects.exists()


def test_no_file_or_an_empty_one_is_refused(client, clerk, plan):
    client.force_login(clerk)
    response = client.post(UPLOAD, {})
    assert response.status_code == 400
    response = send(client, b"", "empty.csv")
    assert response.status_code == 400 and "所提交的是空文件" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_long_file_is_summarised_replacements_first(client, clerk, plan, monkeypatch):
    from indicators import entry

    monkeypatch.setattr(entry, "PREVIEW_ROWS", 3)
    steel = Indicator.objects.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2025, measure="level", value=44, status="draft")
    rows = "".join(f"STEEL_ULE,{year},45\n" for year in range(2020, 2026))
    client.force_login(clerk)
    page = client.get(send(client, f"indicator,year,value\n{rows}".encode())["Location"]).content.decode()
    assert "5 项新增，1 项替换现有数值，0 项不变" in page
    assert "显示 6 行中的 3 行" in page
    body = page[page.index("<tbody>") :]
    assert body.index("替换当前数值") < body.index("新增")  # the replacement comes first


def test_a_workbook_whose_second_row_is_row_100000000_is_refused_at_once_and_nothing_is_kept(client, clerk, plan):
    # Issue 11: this 1.6 KB workbook (4.7 KB as the attacker's Excel saved it) kept a worker busy for 25 s.
    from django.utils import translation
    from django.utils.html import escape

    from bench.badfiles import sparse_row_100000000
    from indicators import xlsx
    from reporting.templatetags.reporting import problem_text

    client.force_login(clerk)
    response = send(client, sparse_row_100000000(), "figures.xlsx")
    assert response.status_code == 400
    problem = parsing.Problem(None, None, xlsx.ROW_TOO_FAR, {"row": 100_000_000, "limit": parsing.MAX_ROWS})
    with translation.override("zh-hans"):
        assert escape(problem_text(problem)) in response.content.decode()
    assert not Figure.objects.exists()
    upload = Upload.objects.get()  # who uploaded what is kept, the bytes are not
    assert (upload.status, bytes(upload.data), upload.rows) == ("rejected", b"", [])
