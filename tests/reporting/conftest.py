"""Data the dashboard tests share: the hand-computed 2021 results, and more data to show query counts stay."""

import json
import re

import pytest

from indicators.models import Figure, Indicator
from indicators.recompute import progress_recompute


def approve(code, year, measure, value, region=None):
    Figure.objects.create(
        statistic=Indicator.objects.get(code=code).statistic, region=region, year=year, measure=measure, value=value,
        status="approved",
    )  # fmt: skip


@pytest.fixture
def results(plan):
    """2021, worked out by hand:
    - STRAW_USE (≥ 90 %): 80 → 85 is (85-80)/(90-80) = 50 % of the way, 20 % expected: green.
    - COD (3472 t): 500 t is 14.40 %, 20 % expected: yellow; (3472-500)/4 = 743 t needed each year.
    - EI_GDP (−15.5 %): −2.9 % is 18.71 %, (1-0.845^0.2)/0.155 = 21.37 % expected: yellow; needed
      1-(0.845/0.971)^(1/4) = 3.42 % lower each year.
    - STEEL_ULE (≥ 80 %): 60 → 55 went backwards: red.
    Every other indicator has no figure: grey."""
    approve("STRAW_USE", 2020, "level", 80)
    approve("STRAW_USE", 2021, "level", 85)
    approve("COD", 2021, "amount", 500)
    approve("EI_GDP", 2021, "change_rate", -2.9)
    approve("STEEL_ULE", 2020, "level", 60)
    approve("STEEL_ULE", 2021, "level", 55)
    progress_recompute()


def grow(count):
    """`count` more indicators under the COD task, each with two approved years, recomputed."""
    task = Indicator.objects.get(code="COD").task
    for n in range(count):
        extra = Indicator.objects.create(
            code=f"EXTRA_{n}", task=task, section="四（二）", name=f"额外{n}", kind="at_least", baseline_year=2020,
            target_year=2025, target_value=50, source_text="测试",
        )  # fmt: skip
        for year, value in ((2020, 10), (2021, 20 + n)):
            Figure.objects.create(statistic=extra.statistic, year=year, measure="level", value=value, status="approved")
    progress_recompute()


def plot(page, div_id):
    """(data, layout, config) of the Plotly chart drawn into `div_id`."""
    match = re.search(rf'Plotly\.newPlot\(\s*"{div_id}",\s*', page)
    assert match, f"no chart {div_id}"
    decoder, rest, parts = json.JSONDecoder(), page[match.end() :], []
    for _ in range(3):
        value, end = decoder.raw_decode(rest)
        parts.append(value)
        rest = rest[end:].lstrip().lstrip(",").lstrip()
    return parts
