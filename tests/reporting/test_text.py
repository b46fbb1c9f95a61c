"""Results in words, in the target's own terms, in both languages. Unsaved indicators: no database."""

import pytest
from django.utils import translation

from indicators.models import Indicator
from reporting.text import percent, progress_text, required_text


def indicator(kind, unit="%", unit_en="%", baseline_year=2020):
    return Indicator(kind=kind, unit=unit, unit_en=unit_en, baseline_year=baseline_year)


EI = indicator("relative_reduction", "吨标准煤/万元", "tce per 10,000 yuan")
COD = indicator("cumulative_total", "吨", "t")
STRAW = indicator("at_least")
LEAKAGE = indicator("at_most")
COATINGS = indicator("point_reduction")
OUTFALL = indicator("milestone")


@pytest.mark.parametrize(
    ("subject", "value", "zh", "en"),
    [
        (EI, 8.8712, "比2020年下降8.87%", "8.87% below 2020"),
        (COD, 2669.2, "累计2,669.2 吨", "2,669.2 t so far"),
        (STRAW, 85.0, "85%", "85%"),
        (COATINGS, 6.8, "降低6.8个百分点", "6.8 points lower"),
        (OUTFALL, 60.0, "完成60%", "60% done"),
        (EI, None, "—", "—"),
    ],
)
def test_progress_in_words(subject, value, zh, en):
    with translation.override("zh-hans"):
        assert progress_text(subject, value) == zh
    with translation.override("en"):
        assert progress_text(subject, value) == en


@pytest.mark.parametrize(
    ("subject", "value", "zh", "en"),
    [
        # EI_GDP at -2.9 % in 2021: 1 - (0.845 / 0.971)^(1/4) = 3.415 % a year.
        (EI, 3.41505, "每年下降3.42%", "3.42% lower each year"),
        # COD at 500 t in 2021: (3472 - 500) / 4 = 743 t a year.
        (COD, 743.0, "每年743 吨", "743 t each year"),
        (STRAW, 1.25, "每年提高1.25%", "1.25% higher each year"),  # (90 - 85) / 4
        (LEAKAGE, -0.95, "每年降低0.95%", "0.95% lower each year"),  # (10 - 13.8) / 4
        (COATINGS, 3.3, "每年降低3.3个百分点", "3.3 points lower each year"),
        (OUTFALL, 20.0, "每年推进20%", "20% more each year"),
        (COD, None, "—", "—"),
    ],
)
def test_pace_needed_in_words(subject, value, zh, en):
    with translation.override("zh-hans"):
        assert required_text(subject, value) == zh
    with translation.override("en"):
        assert required_text(subject, value) == en


def test_percent_of_a_share():
    assert (percent(0.1871), percent(1.0), percent(None)) == (18.7, 100.0, None)
