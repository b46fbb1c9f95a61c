"""The overview as an XLSX workbook: it opens with pandas and says what the page says."""

import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from indicators.models import Indicator, Result, Task
from reporting import workbooks
from reporting.exports import STATUS_FILLS
from tests.plans import SLUG
from tests.reporting.conftest import grow

URL = reverse("reporting:overview-xlsx", args=[SLUG])
WORDS = {str(value): key for key, value in Result.Status.choices}  # 进度正常 -> green, in zh-hans


def download(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return response.content


def page_rows(client, **params):
    page = client.get(reverse("reporting:overview", args=[SLUG]), params).content.decode()
    return dict(re.findall(r'<tr data-code="([A-Z0-9_]+)" data-status="(\w+)"', page))


def sheet_rows(content):
    """{code: status} over every task sheet, the status read back from its word."""
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, header=2)
    rows = {}
    for frame in list(sheets.values())[1:]:
        for code, word in zip(frame["编号"], frame["状态"], strict=True):
            rows[code] = WORDS[word]
    return rows


def test_the_workbook_matches_the_page(client, leader, results):
    client.force_login(leader)
    content = download(client)
    assert sheet_rows(content) == page_rows(client)
    names = list(pd.read_excel(io.BytesIO(content), sheet_name=None, header=2))
    assert names[0] == "总览"
    tasks_with_indicators = Task.objects.filter(indicators__isnull=False).distinct().count()
    assert len(names) == 1 + tasks_with_indicators


def test_numbers_are_numbers_and_statuses_are_coloured(client, leader, results):
    client.force_login(leader)
    content = download(client)
    cod_task = Indicator.objects.get(code="COD").task
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = next(ws for ws in book.worksheets[1:] if ws["A1"].value.startswith(cod_task.code))
    header = [cell.value for cell in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "COD")
    cells = dict(zip(header, row, strict=True))
    assert cells["进展"].value == 500 and cells["完成目标(%)"].value == pytest.approx(14.4)
    assert cells["状态"].value == "进度滞后"
    assert cells["状态"].fill.fgColor.rgb.endswith(STATUS_FILLS["yellow"])
    summary = pd.read_excel(io.BytesIO(content), sheet_name=0, header=2)
    assert dict(zip(summary.iloc[:, 0], summary.iloc[:, 1], strict=True))["预警"] == 1


def test_filters_apply_to_the_workbook(client, leader, results):
    client.force_login(leader)
    assert sheet_rows(download(client, status="yellow")) == {"COD": "yellow", "EI_GDP": "yellow"}


def test_bad_filters_send_back_to_the_page_with_the_error(client, leader, results):
    client.force_login(leader)
    response = client.get(URL, {"status": "purple"})
    assert (
        response.status_code == 302
        and response["Location"] == reverse("reporting:overview", args=[SLUG]) + "?status=purple"
    )
    assert client.get(response["Location"]).status_code == 400


def test_anonymous_goes_to_login_and_no_role_gets_403(client, plan, django_user_model):
    assert client.get(URL).status_code == 302
    client.force_login(django_user_model.objects.create(username="nobody"))
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_the_data(client, leader, results, django_assert_max_num_queries):
    client.force_login(leader)
    # 12, and 2 for the download's audit entry (the chain's last entry, the new one).
    with django_assert_max_num_queries(15):  # 14, and the audit trail's lock on PostgreSQL
        download(client)
    grow(30)
    with django_assert_max_num_queries(15):
        download(client)


def test_admin_entered_names_come_back_as_text_never_as_formulas(client, leader, results):
    """An indicator, a task and a unit named like formulas: the export holds them as text, with no <f> element."""
    name = '=HYPERLINK("http://x","y")'
    cod = Indicator.objects.get(code="COD")
    Indicator.objects.filter(pk=cod.pk).update(name=name, unit="-1+A1")
    Task.objects.filter(pk=cod.task_id).update(title="@SUM(A1)")
    client.force_login(leader)
    content = download(client)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(part).decode() for part in archive.namelist() if part.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = next(ws for ws in book.worksheets[1:] if "@SUM(A1)" in ws["A1"].value)
    keys = [key for key, _header in workbooks.columns()]
    row = dict(zip(keys, next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "COD"), strict=True))
    assert (row["indicator"].value, row["indicator"].data_type) == (name, "s")
    assert (row["unit"].value, row["unit"].data_type) == ("-1+A1", "s")
    assert row["indicator"].quotePrefix and row["unit"].quotePrefix
