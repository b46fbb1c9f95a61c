"""The plotly figure builders: gaps, the target line, print-safe styles, status bars, the HTML they emit."""

import re
from decimal import Decimal

import pytest

from reporting import charts

YEARS = [2021, 2022, 2023, 2024, 2025]
LABELS = {"actual": "实际", "expected": "预期", "target": "目标", "year": "年份", "value": "综合利用率 (%)"}
STATUS_LABELS = {"green": "达标", "yellow": "预警", "red": "滞后", "grey": "未报"}
REGIONS = ["站前区", "西市区", "鲅鱼圈区", "老边区"]


def indicator(**changes):
    arguments = {
        "years": YEARS,
        "actual": [88.0, None, 90.5, 91.0, None],
        "expected": [88.0, 89.0, 90.0, 91.0, 92.0],
        "target": 92.0,
        "labels": LABELS,
    }
    return charts.indicator_figure(**(arguments | changes))


def regions(**changes):
    arguments = {
        "regions": REGIONS,
        "values": [1234.5, 35, None, -3.1],
        "statuses": ["green", "yellow", "grey", "red"],
        "status_labels": STATUS_LABELS,
        "labels": {"value": "吨标准煤", "title": ""},
    }
    return charts.region_figure(**(arguments | changes))


def trace(figure, name):
    (found,) = [item for item in figure.data if item.name == name]
    return found


# format_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5, "1,234.5"),
        (35, "35"),
        (35.0, "35"),
        (-3.1, "-3.1"),
        (0.125, "0.13"),
        (2.675, "2.68"),  # a float just below 2.675 still rounds as written
        (1234567.891, "1,234,567.89"),
        (Decimal("12.300000"), "12.3"),
        (-0.001, "0"),
        (0, "0"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_format_number(value, text):
    assert charts.format_number(value) == text


# indicator chart


def test_unknown_years_stay_gaps():
    actual = trace(indicator(), "实际")
    assert list(actual.y) == [88.0, None, 90.5, 91.0, None]
    assert actual.connectgaps is False
    assert list(actual.x) == YEARS


def test_the_target_line_spans_the_years_at_the_target():
    figure = indicator()
    target = trace(figure, "目标")
    assert list(target.x) == [2021, 2025]
    assert list(target.y) == [92.0, 92.0]
    (note,) = figure.layout.annotations
    assert (note.x, note.y, note.text) == (2025, 92.0, "目标 92")


def test_no_target_no_line():
    figure = indicator(target=None)
    assert [item.name for item in figure.data] == ["实际", "预期"]
    assert not figure.layout.annotations


def test_series_differ_by_dash_and_marker_not_only_colour():
    figure = indicator(regions={"站前区": [1, 2, 3, 4, 5], "西市区": [2, 3, None, 4, 5]})
    actual, expected, target = (trace(figure, name) for name in ("实际", "预期", "目标"))
    assert (actual.line.dash, expected.line.dash, target.line.dash) == ("solid", "dash", "dot")
    assert actual.marker.symbol == "circle"
    symbols = {actual.marker.symbol, expected.marker.symbol, trace(figure, "站前区").marker.symbol}
    symbols.add(trace(figure, "西市区").marker.symbol)
    assert len(symbols) == 4


def test_regions_are_thin_dotted_and_grouped():
    figure = indicator(regions={"站前区": [1, None, 3, 4, 5]})
    region = trace(figure, "站前区")
    assert region.line.dash == "dot"
    assert region.line.width < trace(figure, "实际").line.width
    assert region.legendgroup == "regions"
    assert list(region.y) == [1, None, 3, 4, 5]


def test_hover_shows_year_and_value():
    hover = trace(indicator(), "实际").hovertemplate
    assert "年份: %{x}" in hover
    assert "综合利用率 (%): %{y" in hover


def test_the_year_axis_has_whole_years_only():
    axis = indicator().layout.xaxis
    assert (axis.dtick, axis.tickformat, axis.title.text) == (1, "d", "年份")
    assert indicator().layout.yaxis.title.text == "综合利用率 (%)"


def test_layout_is_print_friendly():
    layout = indicator().layout
    assert layout.template.layout.paper_bgcolor == "white"
    assert "Noto Sans CJK SC" in layout.font.family
    assert layout.legend.orientation == "h"
    assert layout.legend.y < 0
    assert layout.height == charts.HEIGHT
    assert layout.width is None


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="expected"):
        indicator(expected=[1, 2, 3])
    with pytest.raises(ValueError, match="站前区"):
        indicator(regions={"站前区": [1, 2]})


# region chart


def test_bars_are_coloured_by_status_and_carry_the_status_word():
    (bars,) = regions().data
    assert list(bars.marker.color) == ["#1a7f37", "#b58100", "#8c959f", "#c62828"]
    assert list(bars.text) == ["1,234.5 · 达标", "35 · 预警", "未报", "-3.1 · 滞后"]
    assert list(bars.x) == [1234.5, 35, 0, -3.1]
    assert list(bars.y) == REGIONS


def test_status_colours_cover_every_status():
    assert set(charts.STATUS_COLOURS) == set(STATUS_LABELS)


def test_regions_keep_their_order_top_to_bottom():
    layout = regions().layout
    assert layout.yaxis.autorange == "reversed"
    assert layout.xaxis.title.text == "吨标准煤"


def test_the_bar_axis_leaves_room_for_the_texts():
    low, high = regions().layout.xaxis.range
    assert high > 1234.5
    assert low < -3.1
    assert regions(values=[1, 2, 3, 4]).layout.xaxis.range[0] == 0


def test_only_the_highlighted_bar_is_outlined():
    (bars,) = regions(highlight="鲅鱼圈区").data
    assert list(bars.marker.line.width) == [0, 0, 3, 0]
    (bars,) = regions().data
    assert not any(bars.marker.line.width)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="blue"):
        regions(statuses=["green", "blue", "grey", "red"])


def test_a_region_title_is_shown_when_given():
    assert regions(labels={"value": "吨", "title": "2024年"}).layout.title.text == "2024年"
    assert regions().layout.title.text is None


# the HTML


def newplot_config(html):
    """The config object, the last argument of the Plotly.newPlot call."""
    return re.search(r"Plotly\.newPlot\(.*(\{[^{}]*\})\s*\)", html, re.DOTALL).group(1)


def test_the_html_is_a_div_that_loads_nothing():
    html = charts.indicator_chart(years=YEARS, actual=[1] * 5, expected=[1] * 5, target=2, labels=LABELS)
    assert 'id="indicator-chart"' in html
    assert not re.search(r"src=|cdn|https?://", html)
    config = newplot_config(html)
    assert '"locale": "zh-CN"' in config
    assert '"displaylogo": false' in config
    assert '"responsive": true' in config
    assert '"select2d", "lasso2d"' in config
    assert "staticPlot" not in config


def test_region_html_takes_its_locale_and_div_id():
    html = charts.region_chart(
        regions=REGIONS[:1],
        values=[1],
        statuses=["green"],
        status_labels=STATUS_LABELS,
        labels={"value": "t"},
        locale="en",
        div_id="regions-2024",
    )
    assert 'id="regions-2024"' in html
    assert '"locale": "en"' in newplot_config(html)


def test_static_charts_are_fixed_width_and_not_interactive():
    html = charts.indicator_chart(
        years=YEARS, actual=[1] * 5, expected=[1] * 5, target=None, labels=LABELS, static=True
    )
    config = newplot_config(html)
    assert '"staticPlot": true' in config
    assert '"responsive": false' in config
    assert f"width:{charts.STATIC_WIDTH}px" in html
    assert indicator(static=True).layout.width == charts.STATIC_WIDTH
    assert regions(static=True).layout.width == charts.STATIC_WIDTH


def test_labels_cannot_break_out_of_the_script():
    html = charts.region_chart(
        regions=["</script><script>alert(1)</script>"],
        values=[1],
        statuses=["red"],
        status_labels=STATUS_LABELS,
        labels={"value": "t"},
    )
    assert "alert(1)</script>" not in html
