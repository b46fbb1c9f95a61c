"""Plotly figure builders for the indicator and region charts. Plain Python: no Django, no clock.

Every visible word (titles, legend names, axis titles, hover labels) arrives as an argument, so the caller
translates and these functions stay testable without a request. Each public `*_chart` returns the HTML
`<div>` for a template and has a sibling `*_figure` that returns the Figure, which is what the tests inspect.
plotly.js itself is not embedded: pages load it from our static files (vendor/plotly/plotly.min.js) first.

The charts are also printed, often in black and white, so series differ by dash style and marker symbol and
region bars carry their status as a word, never by colour alone.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import plotly.graph_objects as go

# Accessible shades that keep enough contrast on white, in the order the status legend lists them.
STATUS_COLOURS = {"green": "#1a7f37", "yellow": "#b58100", "red": "#c62828", "grey": "#8c959f"}

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
HEIGHT = 340
STATIC_WIDTH = 680  # the printable report: the width of an A4 page inside its 14 mm margins, at 96 dpi
MISSING = "—"
OUTLINE = "#1f2328"  # the highlighted region's bar outline

ACTUAL_COLOUR = "#0b5cad"
EXPECTED_COLOUR = "#6e7781"
TARGET_COLOUR = "#8250df"
# Region lines are secondary: muted colours, each with its own marker so they stay apart in print.
REGION_COLOURS = ["#57606a", "#bc4c00", "#1b7c83", "#953800", "#4d2d8c", "#116329", "#9a6700", "#a40e26"]
REGION_SYMBOLS = ["triangle-up", "diamond", "x", "star", "hexagon", "cross", "pentagon", "triangle-down"]

REMOVED_BUTTONS = ["select2d", "lasso2d"]
TWO_PLACES = Decimal("0.01")
TEXT_ROOM = 0.35  # share of the bar axis kept free beyond the bars for "1,234.5 · 达标"


def format_number(value) -> str:
    """Up to two decimals with thousands separators and no trailing zeros ("1,234.5"); "—" when unknown.

    Rounds half up in Decimal so 2.675 shows 2.68, as a reader rounding by hand would expect.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    try:
        number = Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return MISSING
    if number.is_zero():
        number = abs(number)  # no "-0"
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_figure(
    *,
    years: list[int],
    actual: list[float | None],
    expected: list[float | None],
    target: float | None,
    labels: dict[str, str],
    regions: dict[str, list[float | None]] | None = None,
    static: bool = False,
) -> go.Figure:
    """The indicator's progress per year against its expected path and its target (see indicator_chart)."""
    _check_lengths(years, {"actual": actual, "expected": expected, **(regions or {})})
    figure = go.Figure()
    for index, (name, values) in enumerate((regions or {}).items()):
        figure.add_trace(_region_line(years, values, name, index, labels))
    figure.add_trace(_path_line(years, actual, labels, name="actual", style=ACTUAL_STYLE, rank=1))
    figure.add_trace(_path_line(years, expected, labels, name="expected", style=EXPECTED_STYLE, rank=2))
    if target is not None and years:
        figure.add_trace(_target_line(years, target, labels))
        figure.add_annotation(_target_note(years, target, labels))
    figure.update_layout(_layout(static=static, title=labels.get("title", "")))
    # The legend sits below the x-axis title; with region lines it grows long, so it goes to the right.
    figure.update_layout(margin_b=90, legend_y=-0.3)
    if regions:
        figure.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"}, margin_r=150)
    figure.update_xaxes(title_text=labels["year"], dtick=1, tickformat="d", hoverformat="d", tickmode="linear")
    figure.update_yaxes(title_text=labels["value"])
    return figure


def indicator_chart(
    *,
    years: list[int],
    actual: list[float | None],
    expected: list[float | None],
    target: float | None,
    labels: dict[str, str],
    regions: dict[str, list[float | None]] | None = None,
    locale: str = "zh-CN",
    div_id: str = "indicator-chart",
    static: bool = False,
) -> str:
    """The indicator chart as an HTML div; plotly.js must already be on the page.

    labels: "actual", "expected", "target", "year", "value" (the y-axis title with the unit).
    None values leave gaps, since an unknown year must not look like a straight-line trend.
    """
    figure = indicator_figure(
        years=years, actual=actual, expected=expected, target=target, labels=labels, regions=regions, static=static
    )
    return _html(figure, div_id=div_id, locale=locale, static=static)


def region_figure(
    *,
    regions: list[str],
    values: list[float | None],
    statuses: list[str],
    status_labels: dict[str, str],
    labels: dict[str, str],
    highlight: str | None = None,
    static: bool = False,
) -> go.Figure:
    """Regions side by side for one indicator and year (see region_chart)."""
    _check_lengths(regions, {"values": values, "statuses": statuses})
    unknown = sorted(set(statuses) - STATUS_COLOURS.keys())
    if unknown:
        raise ValueError(f"unknown status {unknown}; expected one of {list(STATUS_COLOURS)}")
    bars = go.Bar(
        orientation="h",
        y=regions,
        x=[0 if value is None else value for value in values],
        text=[_bar_text(value, status_labels[status]) for value, status in zip(values, statuses, strict=True)],
        textposition="outside",
        cliponaxis=False,
        marker={"color": [STATUS_COLOURS[status] for status in statuses], "line": _outline(regions, highlight)},
        hovertemplate="%{y}<br>%{text}<extra></extra>",
        showlegend=False,
    )
    figure = go.Figure(bars)
    height = max(HEIGHT, 28 * len(regions) + 110)  # a county-level list must not squash the bars
    figure.update_layout(_layout(static=static, title=labels.get("title", ""), height=height))
    figure.update_xaxes(title_text=labels["value"], range=_bar_range(values), zeroline=True)
    figure.update_yaxes(type="category", autorange="reversed", automargin=True)
    return figure


def region_chart(
    *,
    regions: list[str],
    values: list[float | None],
    statuses: list[str],
    status_labels: dict[str, str],
    labels: dict[str, str],
    highlight: str | None = None,
    locale: str = "zh-CN",
    div_id: str = "region-chart",
    static: bool = False,
) -> str:
    """The region comparison as an HTML div, regions top to bottom in the order given.

    statuses: "green", "yellow", "red" or "grey" per region; status_labels translate them for the bar text.
    labels: "value" (the x-axis title) and optionally "title". A region without a value keeps its row,
    with a zero-length bar and its status word, so a missing report stays visible.
    """
    figure = region_figure(
        regions=regions,
        values=values,
        statuses=statuses,
        status_labels=status_labels,
        labels=labels,
        highlight=highlight,
        static=static,
    )
    return _html(figure, div_id=div_id, locale=locale, static=static)


def plot_config(*, locale: str, static: bool) -> dict:
    """plotly.js config: a static plot for print (no mode bar, no hover) at a fixed width, else responsive."""
    config = {
        "locale": locale,
        "displaylogo": False,
        "responsive": not static,
        "modeBarButtonsToRemove": REMOVED_BUTTONS,
    }
    if static:
        config["staticPlot"] = True
    return config


def _html(figure: go.Figure, *, div_id: str, locale: str, static: bool) -> str:
    return figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, config=plot_config(locale=locale, static=static)
    )


def _layout(*, static: bool, title: str, height: int = HEIGHT) -> dict:
    layout = {
        "template": "plotly_white",
        "font": {"family": FONT_FAMILY, "size": 13},
        "height": height,
        "margin": {"l": 60, "r": 30, "t": 50 if title else 20, "b": 40},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2, "yanchor": "top"},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "xanchor": "left"}
    if static:
        layout["width"] = STATIC_WIDTH
    return layout


def _hover(labels: dict[str, str]) -> str:
    # Concatenated, not formatted: the labels are translated text and must not be read as placeholders.
    return labels["year"] + ": %{x}<br>" + labels["value"] + ": %{y:,.2~f}<extra>%{fullData.name}</extra>"


# The two paths differ by width, dash and marker as well as colour, so they read in black and white.
ACTUAL_STYLE = {
    "line": {"color": ACTUAL_COLOUR, "width": 3, "dash": "solid"},
    "marker": {"symbol": "circle", "size": 8},
}
EXPECTED_STYLE = {
    "line": {"color": EXPECTED_COLOUR, "width": 2, "dash": "dash"},
    "marker": {"symbol": "square-open", "size": 7},
}


def _path_line(years, values, labels, *, name, style, rank) -> go.Scatter:
    return go.Scatter(
        x=years,
        y=values,
        name=labels[name],
        mode="lines+markers",
        connectgaps=False,
        hovertemplate=_hover(labels),
        legendrank=rank,
        **style,
    )


def _target_line(years, target, labels) -> go.Scatter:
    """A trace rather than a layout shape, so the target has a legend entry like the other series."""
    return go.Scatter(
        x=[years[0], years[-1]],
        y=[target, target],
        name=labels["target"],
        mode="lines",
        line={"color": TARGET_COLOUR, "width": 2, "dash": "dot"},
        hovertemplate=labels["target"] + ": %{y:,.2~f}<extra></extra>",
        legendrank=3,
    )


def _target_note(years, target, labels) -> dict:
    return {
        "x": years[-1],
        "y": target,
        "text": f"{labels['target']} {format_number(target)}",
        "showarrow": False,
        "xanchor": "right",
        "yanchor": "bottom",
        "font": {"color": TARGET_COLOUR},
    }


def _region_line(years, values, name, index, labels) -> go.Scatter:
    return go.Scatter(
        x=years,
        y=values,
        name=name,
        mode="lines+markers",
        line={"color": REGION_COLOURS[index % len(REGION_COLOURS)], "width": 1, "dash": "dot"},
        marker={"symbol": REGION_SYMBOLS[index % len(REGION_SYMBOLS)], "size": 6},
        opacity=0.8,
        connectgaps=False,
        hovertemplate=_hover(labels),
        legendgroup="regions",
    )


def _bar_text(value, status_word: str) -> str:
    return status_word if value is None else f"{format_number(value)} · {status_word}"


def _bar_range(values: list[float | None]) -> list[float]:
    """Zero plus room beyond the longest bars for their outside texts, which plotly's autorange would clip."""
    known = [value for value in values if value is not None]
    high, low = max([0, *known]), min([0, *known])
    room = TEXT_ROOM * ((high - low) or 1)
    return [low - room if low < 0 else 0, high + room]


def _outline(regions: list[str], highlight: str | None) -> dict:
    """A thick dark outline on the highlighted region's bar only (the user's own region, say)."""
    return {
        "color": OUTLINE,
        "width": [3 if region == highlight else 0 for region in regions],
    }


def _check_lengths(axis: list, series: dict[str, list]) -> None:
    """Plotly silently drops or pads mismatched arrays, which would shift values onto the wrong year."""
    for name, values in series.items():
        if len(values) != len(axis):
            raise ValueError(f"{name} has {len(values)} values for {len(axis)} entries")
