"""The entry grid and the entry form: they work, refuse bad input without saving, and stay cheap."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import figures, parsing
from indicators.figures import figures_targets
from indicators.models import Figure, Indicator
from reporting.forms import FigureEntryForm

GRID = reverse("reporting:entry")


def form_url(code="STEEL_ULE", year=2021):
    return reverse("reporting:figure-entry", args=[code, year])


def test_grid_shows_the_departments_indicators_and_what_is_open(client, clerk, outsider, plan):
    steel = plan.tasks.get(indicators__code="STEEL_ULE").indicators.get(code="STEEL_ULE")
    Figure.objects.create(
        statistic=steel.statistic, year=2021, measure="level", value=40, status="returned", return_reason="请附统计表"
    )
    client.force_login(clerk)
    page = client.get(GRID).content.decode()
    assert "STEEL_ULE" in page and "COD" in page
    assert "请附统计表" in page  # the returned item with its reason
    client.force_login(outsider)
    page = client.get(GRID).content.decode()
    assert "STEEL_ULE" not in page and "GREEN_BUILDING" in page  # 市住建局's own indicators only


def test_grid_query_count_does_not_grow_with_figures(client, clerk, plan, django_assert_max_num_queries):
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        client.get(GRID)
    steel = plan.tasks.get(indicators__code="STEEL_ULE").indicators.get(code="STEEL_ULE")
    for year in range(2020, 2026):
        Figure.objects.create(
            statistic=steel.statistic, year=year, measure="level", value=40 + year - 2020, status="draft"
        )
    with django_assert_max_num_queries(12):
        response = client.get(GRID)
    assert response.content.decode().count("status-draft") >= 6


def test_form_saves_a_draft_and_submits(client, clerk):
    client.force_login(clerk)
    page = client.get(form_url()).content.decode()
    assert 'name="level"' in page and 'name="amount"' not in page
    response = client.post(form_url(), {"stage": "final", "level": "45.5", "note": "", "save": ""})
    assert response.status_code == 302 and response["Location"] == GRID
    figure = Figure.objects.get()
    assert (figure.status, figure.value, figure.entered_by) == ("draft", 45.5, clerk)
    client.post(form_url(), {"stage": "final", "level": "45.5", "note": "", "submit": ""})
    figure.refresh_from_db()
    assert figure.status == "submitted" and figure.submitted_at


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"level": "150"}, "百分比必须在0到100之间"),  # STEEL_ULE is a share in %
        ({"level": "-1"}, "百分比必须在0到100之间"),
        ({"level": "abc"}, "数值必须是数字"),
        ({"level": "1_000"}, "数值必须是数字"),
        ({"level": ""}, "请至少填写一个数值"),
        ({"level": "1" * 21}, "数值过大"),
        ({"level": "0.1234567"}, "数值最多保留6位小数"),
    ],
)
def test_form_refuses_bad_values_and_keeps_them(client, clerk, data, fragment):
    client.force_login(clerk)
    response = client.post(form_url(), {"stage": "final", "note": "我的说明", "submit": "", **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert fragment in page
    assert "我的说明" in page  # what was typed is not lost
    assert not Figure.objects.exists()


def test_a_flagged_value_needs_a_comment(client, clerk, plan):
    steel = plan.tasks.get(indicators__code="STEEL_ULE").indicators.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2020, measure="level", value=40, status="approved")
    client.force_login(clerk)
    response = client.post(form_url(), {"stage": "final", "level": "80", "note": "", "submit": ""})
    assert response.status_code == 200
    assert "+100.0%" in response.content.decode()
    assert not Figure.objects.filter(year=2021).exists()
    response = client.post(form_url(), {"stage": "final", "level": "80", "note": "两家钢厂完成改造", "submit": ""})
    assert response.status_code == 302
    assert Figure.objects.get(year=2021).flags[0]["code"] == "jump"


def test_a_locked_year_cannot_change(client, clerk, plan):
    steel = plan.tasks.get(indicators__code="STEEL_ULE").indicators.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2021, measure="level", value=40, status="approved")
    client.force_login(clerk)
    assert "disabled" in client.get(form_url()).content.decode()
    response = client.post(form_url(), {"stage": "final", "level": "41", "submit": ""})
    assert response.status_code == 200
    assert Figure.objects.get().value == 40


def test_the_locked_notice_shows_once_after_trying_to_change(client, clerk, plan):
    steel = plan.tasks.get(indicators__code="STEEL_ULE").indicators.get(code="STEEL_ULE")
    Figure.objects.create(statistic=steel.statistic, year=2021, measure="level", value=40, status="approved")
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    page = client.post(form_url(), {"stage": "final", "level": "41", "submit": ""}).content.decode()
    assert page.count("approved and locked") == 1  # the page's notice, not a second form error too
    assert Figure.objects.get().value == 40


def test_years_outside_the_plan_are_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get(form_url(year=2019)).status_code == 404
    assert client.get(form_url(year=2031)).status_code == 404
    assert client.get(reverse("reporting:figure-entry", args=["NOPE", 2021])).status_code == 404


def test_preliminary_and_final_are_separate_figures(client, clerk):
    client.force_login(clerk)
    client.post(form_url(), {"stage": "preliminary", "level": "45", "submit": ""})
    client.post(form_url(), {"stage": "final", "level": "46", "submit": ""})
    assert sorted(Figure.objects.values_list("stage", "value")) == [("final", 46), ("preliminary", 45)]
    page = client.get(form_url() + "?stage=preliminary").content.decode()
    assert 'value="45' in page


# One rule for numbers, in the form and in the upload

# The text typed, and the value both read, as str() writes it (None: both refuse).
NUMBERS = [
    ("1,234.5", "1234.5"),
    ("1,234,567.8", "1234567.8"),
    ("１，２３４．５", "1234.5"),  # full-width, as a Chinese input method types it
    ("1 234", "1234"),
    (" 12.5 ", "12.5"),
    ("+5", "5"),
    ("\u22122.9", "-2.9"),  # the minus sign
    ("－2.9", "-2.9"),  # the full-width hyphen-minus
    ("-0", "0"),
    ("-0.00", "0.00"),
    ("1e3", "1000"),
    ("-2.9%", "-2.9"),  # a change rate is a percentage
    ("-2.9％", "-2.9"),
    ("1.50000000", "1.50000000"),
    ("1_000", None),
    ("1,5", None),  # a decimal comma, not thousands
    ("1,23,456", None),
    ("12,34.5", None),
    ("1,234,5678", None),
    ("1,,234", None),
    ("inf", None),
    ("-Infinity", None),
    ("nan", None),
    ("sNaN", None),
    ("0x10", None),
    ("1.2.3", None),
    ("--5", None),
    ("5-", None),
    ("٣", None),  # an Arabic-Indic digit: Python's Decimal reads it, nobody here types it
    ("1" * 15, None),  # too large
    ("1e9999999", None),
    ("0.1234567", None),  # too many decimal places
    ("abc", None),
]


def form_reads(indicator, measure, text):
    form = FigureEntryForm({"stage": "final", measure: text}, indicator=indicator)
    return form.cleaned_data[measure] if form.is_valid() else None


def upload_reads(indicator, measure, text, plan):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["indicator", "year", "measure", "value"], [indicator.code, 2021, measure, text]])
    frame = parsing.read_table(buffer.getvalue().encode(), "figures.csv")
    specs = figures.indicator_specs(figures_targets(plan=plan))
    rows, _problems = parsing.parse_figures(frame, indicators=specs, regions={})
    return rows[0].value if rows else None


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_the_form_and_the_upload_read_numbers_by_one_rule(plan, text, expected):
    indicator = Indicator.objects.get(code="EI_GDP")
    form_value = form_reads(indicator, "change_rate", text)
    upload_value = upload_reads(indicator, "change_rate", text, plan)
    # The same value, written the same: "0", never "-0"; "1000", never "1E+3".
    assert (str(form_value), str(upload_value)) == (str(expected), str(expected))


def test_minus_zero_is_saved_and_shown_as_zero_from_the_form_and_the_upload(client, clerk):
    client.force_login(clerk)
    response = client.post(form_url(), {"stage": "final", "level": "-0", "note": "", "save": ""})
    assert response.status_code == 302
    assert not Figure.objects.get().value.is_signed()
    assert 'name="level" id="id_level" value="0"' in client.get(form_url()).content.decode()

    file = SimpleUploadedFile("figures.csv", b"indicator,year,value\nSTEEL_ULE,2022,-0\n")
    preview = client.get(client.post(reverse("reporting:upload"), {"file": file})["Location"]).content.decode()
    assert '<td class="text-end fw-semibold">0</td>' in preview
    assert "-0<" not in preview


def test_a_percentage_is_refused_where_the_upload_refuses_it(client, clerk):
    client.force_login(clerk)
    response = client.post(form_url("COD"), {"stage": "final", "amount": "5%", "note": "", "save": ""})
    assert response.status_code == 200
    assert "该口径不接受百分数；请以吨为单位填写" in response.content.decode()
    assert not Figure.objects.exists()
    client.post(form_url(), {"stage": "final", "level": "91.5%", "note": "", "save": ""})  # STEEL_ULE is in %
    assert Figure.objects.get().value == Decimal("91.5")
