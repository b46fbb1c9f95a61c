"""Plausibility flags, hand-computed on the plan's indicators. No database."""

from decimal import Decimal as D

import pytest

from indicators import kinds, plausibility
from indicators.plausibility import check

JUMP, TOLERANCE = D("0.3"), D("0.1")


def codes(flags):
    return [(flag["code"], flag["measure"]) for flag in flags]


@pytest.mark.parametrize(
    ("values", "previous", "preliminary", "expected"),
    [
        # STRAW_USE (>= 90 %): 60 -> 85 is +41.7 %, beyond ±30 %; 60 -> 70 (+16.7 %) is not.
        ({"level": D(85)}, {"level": D(60)}, {}, [("jump", "level")]),
        ({"level": D(70)}, {"level": D(60)}, {}, []),
        # Exactly 30 % is within the threshold.
        ({"level": D(78)}, {"level": D(60)}, {}, []),
        # COD yearly reduction 500 t -> 700 t: +40 %.
        ({"amount": D(700)}, {"amount": D(500)}, {}, [("jump", "amount")]),
        # Nothing to compare against: no flag, also not against zero.
        ({"amount": D(700)}, {}, {}, []),
        ({"amount": D(700)}, {"amount": D(0)}, {}, []),
        # EI_GDP as year-on-year rates: -3.1 % is ordinary, -35 % is not.
        ({"change_rate": D("-3.1")}, {"change_rate": D("-2.9")}, {}, []),
        ({"change_rate": D(-35)}, {}, {}, [("rate_jump", "change_rate")]),
        # A milestone's percent complete never falls; a jump in it is no finding.
        ({"percent_complete": D(40)}, {"percent_complete": D(60)}, {}, [("progress_fell", "percent_complete")]),
        ({"percent_complete": D(100)}, {"percent_complete": D(20)}, {}, []),
        # Feedstock is part of total energy use.
        ({"energy_total": D(100), "energy_feedstock": D(120)}, {}, {}, [("feedstock_above_total", "energy_feedstock")]),
        # Level 1.0 -> 0.95 is -5 %, but -3 % was entered: 2 points apart. 0.97 agrees with -3 %.
        ({"level": D("0.95"), "change_rate": D(-3)}, {"level": D(1)}, {}, [("rate_mismatch", "change_rate")]),
        ({"level": D("0.97"), "change_rate": D(-3)}, {"level": D(1)}, {}, []),
        # Final against preliminary, ±10 %: 1100 against 1000 is exactly 10 %, 1101 is beyond.
        ({"amount": D(1100)}, {}, {"amount": D(1000)}, []),
        ({"amount": D(1101)}, {}, {"amount": D(1000)}, [("far_from_preliminary", "amount")]),
        # Rates compare as the levels they imply: -3.0 against -2.9 is 97 against 97.1, 0.1 %.
        ({"change_rate": D("-3.0")}, {}, {"change_rate": D("-2.9")}, []),
    ],
)
def test_flags(values, previous, preliminary, expected):
    flags = check(values=values, previous=previous, preliminary=preliminary, jump=JUMP, tolerance=TOLERANCE)
    assert codes(flags) == expected


def test_flag_params_are_plain_strings_and_render():
    (flag,) = check(values={"level": D(85)}, previous={"level": D(60)}, preliminary={}, jump=JUMP, tolerance=TOLERANCE)
    assert flag["params"] == {"change": "+41.7", "previous": "60", "threshold": "30"}
    assert plausibility.flag_text(flag, str) == "Changed by +41.7% from last year's 60 (threshold ±30%)."


def test_threshold_is_configurable():
    flags = check(
        values={"level": D(70)}, previous={"level": D(60)}, preliminary={}, jump=D("0.1"), tolerance=TOLERANCE
    )
    assert codes(flags) == [("jump", "level")]


def test_every_code_has_a_message():
    assert set(plausibility.MESSAGES) == {
        plausibility.JUMP,
        plausibility.RATE_JUMP,
        plausibility.PROGRESS_FELL,
        plausibility.FEEDSTOCK_ABOVE_TOTAL,
        plausibility.RATE_MISMATCH,
        plausibility.FAR_FROM_PRELIMINARY,
    }
    assert plausibility.COMPARABLE == (kinds.LEVEL, kinds.AMOUNT, *kinds.COMPONENT_MEASURES)


def test_module_is_pure():
    source = open(plausibility.__file__, encoding="utf-8").read()
    assert "django" not in source
