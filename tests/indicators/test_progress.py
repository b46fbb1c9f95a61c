"""The progress arithmetic, with cases worked out by hand from the plan's own targets. No database."""

import math

import pandas as pd
import pytest

from indicators import progress
from indicators.progress import GREEN, GREY, RED, YELLOW, evaluate

approx = lambda value: pytest.approx(value, rel=1e-5, abs=1e-9)  # noqa: E731

# 单位地区生产总值能耗比2020年下降15.5% (EI_GDP): relative reduction, 2020 -> 2025.
EI = {"kind": "relative_reduction", "baseline_year": 2020, "target_year": 2025, "target_value": 15.5}
# Constant-rate path: e(y) = (1 - 0.845^((y-2020)/5)) / 0.155.
# 0.845^0.2 = 0.966877 -> e(2021) = 0.213697; 0.845^0.4 = 0.934851 -> e(2022) = 0.420310.
E_2021, E_2022 = 0.213697, 0.420310

# 化学需氧量重点工程减排量3472吨 (COD): cumulative total.
COD = {"kind": "cumulative_total", "baseline_year": 2020, "target_year": 2025, "target_value": 3472}
# 秸秆综合利用率稳定在90%以上 (STRAW_USE): at least 90 %.
STRAW = {"kind": "at_least", "baseline_year": 2020, "target_year": 2025, "target_value": 90}
# 城市公共供水管网漏损率低于10% (WATER_LEAKAGE): at most 10 %, strictly.
LEAKAGE = {"kind": "at_most", "baseline_year": 2020, "target_year": 2025, "target_value": 10, "strict": True}
# 溶剂型工业涂料使用比例降低20个百分点 (SOLVENT_COATINGS): point reduction.
COATINGS = {"kind": "point_reduction", "baseline_year": 2020, "target_year": 2025, "target_value": 20}
# 到2023年基本完成入河排污口整治 (OUTFALL_REMEDIATION): milestone due 2023, reportable to 2025.
OUTFALL = {"kind": "milestone", "baseline_year": 2020, "target_year": 2023, "target_value": 100, "last_year": 2025}


def year(spec, figures, y, **extra):
    return evaluate(**spec, figures=figures, **extra)[y]


# --- relative_reduction --------------------------------------------------------------------------


def test_energy_intensity_from_change_rates_behind_schedule():
    # 2021: -2.9 % -> c = 0.029, a = 0.029 / 0.155 = 0.187097 < e = 0.213697: yellow.
    result = year(EI, {2021: {"change_rate": -2.9}}, 2021)
    assert (result["status"], result["rule"], result["source"]) == (YELLOW, "behind_schedule", "change_rates")
    assert result["value"] == approx(2.9)
    assert result["achieved"] == approx(0.187097)
    assert result["expected"] == approx(E_2021)
    # Still needed: 100 * (1 - (0.845 / 0.971)^(1/4)) = 3.41507 % a year.
    assert result["required_per_year"] == approx(3.41507)
    # At the same pace: 100 * (1 - 0.971^5) = 13.6830 % by 2025.
    assert result["projected"] == approx(13.6830)


def test_energy_intensity_rose_is_red():
    # 2023 +1.2 %: NDRC's 一级预警 (不降反升). c = 1 - 0.971 * 0.966 * 1.012 = 0.050758.
    rates = {2021: {"change_rate": -2.9}, 2022: {"change_rate": -3.4}, 2023: {"change_rate": 1.2}}
    result = year(EI, rates, 2023)
    assert (result["status"], result["rule"]) == (RED, "went_backwards")
    assert result["value"] == approx(5.0758)


def test_a_rise_is_red_even_when_ahead_of_schedule():
    # c(2022) = 1 - 0.90 * 1.005 = 0.0955, a = 0.616129 > e(2022) = 0.420310, yet the intensity rose.
    result = year(EI, {2021: {"change_rate": -10}, 2022: {"change_rate": 0.5}}, 2022)
    assert result["achieved"] == approx(0.616129)
    assert (result["status"], result["rule"]) == (RED, "went_backwards")


def test_energy_intensity_from_levels_met_exactly_in_2025():
    # 0.800 -> 0.676 tce per 10,000 yuan is exactly 15.5 % less: the target is met (no rounding miss).
    result = year(EI, {2020: 0.8, 2025: 0.676}, 2025)
    assert (result["status"], result["rule"], result["source"]) == (GREEN, "target_met", "levels")
    assert result["value"] == approx(15.5)
    assert result["required_per_year"] is None or math.isnan(result["required_per_year"])


def test_energy_intensity_missed_in_the_target_year_is_red():
    # 0.800 -> 0.700: 12.5 % < 15.5 % in 2025; a = 0.806452.
    result = year(EI, {2020: 0.8, 2025: 0.7}, 2025)
    assert (result["status"], result["rule"]) == (RED, "deadline_missed")
    assert result["achieved"] == approx(0.806452)
    assert math.isnan(result["required_per_year"]) and math.isnan(result["projected"])


def test_level_above_the_previous_year_is_red():
    # 0.80 -> 0.75 -> 0.76: the level rose in 2022 although the cumulative fall is 5 %.
    result = year(EI, {2020: 0.8, 2021: 0.75, 2022: 0.76}, 2022)
    assert (result["status"], result["rule"], result["previous"]) == (RED, "went_backwards", approx(0.75))


def test_feedstock_energy_is_taken_out_of_baseline_and_current_year():
    # 2020: (1000 - 100) / 1000 = 0.9; 2022: (1020 - 150) / 1100 = 0.790909; c = 0.121212.
    # Without the deduction it would be 1020 / 1100 = 0.927273 against 1.0, only 7.27 %.
    figures = {
        2020: {"energy_total": 1000, "energy_feedstock": 100, "gdp": 1000},
        2022: {"energy_total": 1020, "energy_feedstock": 150, "gdp": 1100, "renewable_new": 30},
    }
    result = year(EI, figures, 2022)
    assert result["source"] == "components"
    assert (result["baseline"], result["current"]) == (approx(0.9), approx(0.790909))
    assert result["value"] == approx(12.1212)
    # a = 0.782014 >= e(2022) = 0.420310: on schedule.
    assert (result["achieved"], result["status"]) == (approx(0.782014), GREEN)
    # New renewable electricity is a named deduction for the total-consumption assessment only.
    assert result["energy_assessed"] == approx(1020 - 150 - 30)


def test_final_figure_supersedes_preliminary():
    preliminary = year(EI, {2021: {"change_rate": (-2.0, "preliminary")}}, 2021)
    assert (preliminary["achieved"], preliminary["status"]) == (approx(0.129032), YELLOW)
    both = {2021: {"change_rate": (-2.0, "preliminary")}}
    frame = _frame(both) + [(1, 0, 2021, "change_rate", "final", -3.5)]
    # c = 0.035, a = 0.225806 >= 0.213697: the final figure makes it green.
    result = _compute(EI, frame).iloc[0]
    assert (result["achieved"], result["status"]) == (approx(0.225806), GREEN)


def test_trajectory_overrides_the_default_path():
    # The province asks for 3 % by 2021: e = 3 / 15.5 = 0.193548 > a = 0.187097 -> yellow; 2.5 % -> green.
    figures = {2021: {"change_rate": -2.9}}
    assert year(EI, figures, 2021, trajectory={2021: 3.0})["expected"] == approx(0.193548)
    assert year(EI, figures, 2021, trajectory={2021: 2.5})["status"] == GREEN


def test_green_ratio_threshold():
    # a = 0.187097 >= 0.8 * 0.213697 = 0.170958.
    assert year(EI, {2021: {"change_rate": -2.9}}, 2021, green_ratio=0.8)["status"] == GREEN


@pytest.mark.parametrize(
    ("figures", "y", "rule"),
    [
        ({2021: {"change_rate": -2.9}}, 2022, "no_data"),
        ({2021: 0.75}, 2021, "missing_inputs"),  # a level without a baseline level
        ({2022: {"change_rate": -3.4}}, 2022, "missing_inputs"),  # 2021's rate is missing
        ({2020: {"energy_total": 1000, "gdp": 1000}, 2021: {"renewable_new": 5}}, 2021, "missing_inputs"),
    ],
)
def test_grey(figures, y, rule):
    result = year(EI, figures, y)
    assert (result["status"], result["rule"]) == (GREY, rule)
    assert math.isnan(result["achieved"]) and math.isnan(result["required_per_year"])


# --- cumulative_total ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "y", "status", "rule", "achieved"),
    [
        # 700 + 800 = 1500 t; a = 1500 / 3472 = 0.432028 >= e = 0.4.
        ({2021: 700, 2022: 800}, 2022, GREEN, "on_schedule", 0.432028),
        # 600 t; a = 0.172811 < 0.2.
        ({2021: 600}, 2021, YELLOW, "behind_schedule", 0.172811),
        # A negative yearly amount went backwards.
        ({2021: 700, 2022: -50}, 2022, RED, "went_backwards", 0.187212),
        ({2021: 700, 2022: 800, 2023: 700, 2024: 700, 2025: 572}, 2025, GREEN, "target_met", 1.0),
        ({2021: 700, 2022: 600, 2023: 600, 2024: 600, 2025: 500}, 2025, RED, "deadline_missed", 0.864055),
        ({2022: 800}, 2022, GREY, "missing_inputs", float("nan")),
    ],
)
def test_cumulative_total(figures, y, status, rule, achieved):
    result = year(COD, figures, y)
    assert (result["status"], result["rule"]) == (status, rule)
    if not math.isnan(achieved):
        assert result["achieved"] == approx(achieved)


def test_cumulative_total_needs_and_projection():
    result = year(COD, {2021: 700, 2022: 800}, 2022)
    assert result["required_per_year"] == approx((3472 - 1500) / 3)  # 657.333 t a year
    assert result["projected"] == approx(1500 * 5 / 2)  # 3750 t at this pace


def test_city_total_is_the_sum_of_regions_without_a_city_figure():
    rows = [(1, 7, 2021, "amount", "final", 300.0), (1, 8, 2021, "amount", "final", 400.0)]
    results = _compute(COD, rows)
    city = results[(results["region_id"] == 0) & (results["year"] == 2021)].iloc[0]
    assert (city["value"], city["source"]) == (approx(700), "region_sum")
    regions = results[(results["region_id"] == 7) & (results["year"] == 2021)].iloc[0]
    assert regions["value"] == approx(300)
    # A city-wide figure wins over the sum.
    city_figure = _compute(COD, [*rows, (1, 0, 2021, "amount", "final", 650.0)])
    assert city_figure[(city_figure["region_id"] == 0) & (city_figure["year"] == 2021)].iloc[0]["value"] == 650


def test_a_regions_share_of_a_city_wide_amount_is_shown_not_judged():
    # COD 3472 t is the city's target; 鲅鱼圈区's 300 t + 500 t cannot be "23 % of 3472 t, behind".
    rows = [(1, 7, 2021, "amount", "final", 300.0), (1, 7, 2022, "amount", "final", 500.0)]
    results = _compute(COD, rows)
    region = results[(results["region_id"] == 7) & (results["year"] == 2022)].iloc[0]
    assert (region["status"], region["rule"]) == (GREY, progress.NO_REGIONAL_TARGET)
    assert region["value"] == approx(800)  # the cumulative tonnes stay for the comparison chart
    assert math.isnan(region["achieved"]) and math.isnan(region["required_per_year"])
    city = results[(results["region_id"] == 0) & (results["year"] == 2022)].iloc[0]
    # The city, from the regions' sum: 800 / 3472 = 23.04 % against 40 % expected -> yellow.
    assert (city["status"], city["achieved"]) == (YELLOW, approx(800 / 3472))


def test_a_region_without_figures_stays_no_data():
    rows = [(1, 7, 2021, "amount", "final", 300.0)]
    region = _compute(COD, rows).query("region_id == 7 and year == 2022").iloc[0]
    assert region["rule"] == progress.NO_DATA


@pytest.mark.parametrize(
    ("spec", "expected", "baseline", "value"),
    [
        (EI, E_2021, None, 15.5 * E_2021),  # 3.312 % below 2020 expected after one year
        (COD, 0.4, None, 1388.8),  # 3472 t x 2/5
        (COATINGS, 0.2, None, 4.0),  # 20 points x 1/5
        (OUTFALL, 1.0, None, 100.0),
        (STRAW, 0.2, 80.0, 82.0),  # from 80 % towards 90 %: 80 + 0.2 x 10
        (LEAKAGE, 0.6, 13.8, 11.52),  # from 13.8 % down to 10 %: 13.8 - 0.6 x 3.8
        (STRAW, 0.2, 95.0, None),  # already above: judged by the plain ratio, no path to draw
        (STRAW, 0.2, None, None),
        (EI, None, None, None),
    ],
)
def test_expected_value_in_the_targets_terms(spec, expected, baseline, value):
    result = progress.expected_value(
        kind=spec["kind"], expected=expected, target_value=spec["target_value"], baseline=baseline
    )
    assert result == (None if value is None else approx(value))


# --- at_least / at_most --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "figures", "y", "status", "rule", "achieved"),
    [
        # Straw use 85 % in 2020: (86 - 85) / (90 - 85) = 0.2 = e(2021).
        (STRAW, {2020: 85, 2021: 86}, 2021, GREEN, "on_schedule", 0.2),
        (STRAW, {2020: 85, 2021: 86, 2022: 86.5}, 2022, YELLOW, "behind_schedule", 0.3),
        (STRAW, {2020: 85, 2021: 86, 2022: 87, 2023: 86.5}, 2023, RED, "went_backwards", 0.3),
        (STRAW, {2020: 85, 2021: 84}, 2021, RED, "went_backwards", -0.2),
        (STRAW, {2020: 85, 2025: 89}, 2025, RED, "deadline_missed", 0.8),
        (STRAW, {2020: 85, 2024: 90}, 2024, GREEN, "target_met", 1.0),
        # Without a baseline: 20 / 35 = 0.571429 (rural sewage treatment >= 35 %).
        ({**STRAW, "target_value": 35}, {2021: 20}, 2021, GREEN, "on_schedule", 0.571429),
        # Already above 80 % (clean heating): a fall that stays above the target is still met.
        ({**STRAW, "target_value": 80}, {2020: 82, 2021: 81}, 2021, GREEN, "target_met", 1.0125),
        # Leakage 12 % -> 11.6 %: (11.6 - 12) / (10 - 12) = 0.2.
        (LEAKAGE, {2020: 12, 2021: 11.6}, 2021, GREEN, "on_schedule", 0.2),
        (LEAKAGE, {2020: 12, 2021: 11.6, 2022: 11.8}, 2022, RED, "went_backwards", 0.1),
        # 低于10%: exactly 10 % in 2025 is not met.
        (LEAKAGE, {2020: 12, 2025: 10}, 2025, RED, "deadline_missed", 1.0),
        (LEAKAGE, {2020: 12, 2025: 9.5}, 2025, GREEN, "target_met", 1.25),
        # PUE <= 1.3 without a baseline: 1.3 / 1.4 = 0.928571.
        ({**LEAKAGE, "target_value": 1.3, "strict": False}, {2021: 1.4}, 2021, GREEN, "on_schedule", 0.928571),
        # 超过30%: exactly 30 % is not met.
        ({**STRAW, "target_value": 30, "strict": True}, {2020: 20, 2025: 30}, 2025, RED, "deadline_missed", 1.0),
    ],
)
def test_level_targets(spec, figures, y, status, rule, achieved):
    result = year(spec, figures, y)
    assert (result["status"], result["rule"]) == (status, rule)
    assert result["achieved"] == approx(achieved)


def test_level_target_needs_and_projection():
    result = year(STRAW, {2020: 85, 2021: 86, 2022: 86.5}, 2022)
    assert result["required_per_year"] == approx((90 - 86.5) / 3)  # 1.1667 points a year
    assert result["projected"] == approx(85 + 1.5 * 5 / 2)  # 88.75 % in 2025


def test_baseline_value_of_the_indicator_stands_in_for_a_missing_baseline_figure():
    result = year(STRAW, {2021: 86}, 2021, baseline_value=85)
    assert (result["baseline"], result["achieved"]) == (approx(85), approx(0.2))


# --- point_reduction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "y", "status", "rule", "achieved"),
    [
        # Solvent-based coatings 60 % -> 52 %: 8 points of 20 = 0.4 = e(2022).
        ({2020: 60, 2022: 52}, 2022, GREEN, "on_schedule", 0.4),
        ({2020: 60, 2022: 55}, 2022, YELLOW, "behind_schedule", 0.25),
        ({2020: 60, 2022: 52, 2023: 53}, 2023, RED, "went_backwards", 0.35),
        ({2020: 60, 2021: 61}, 2021, RED, "went_backwards", -0.05),
        ({2020: 60, 2025: 42}, 2025, RED, "deadline_missed", 0.9),
        ({2020: 60, 2025: 40}, 2025, GREEN, "target_met", 1.0),
        ({2022: 52}, 2022, GREY, "missing_inputs", float("nan")),
    ],
)
def test_point_reduction(figures, y, status, rule, achieved):
    result = year(COATINGS, figures, y)
    assert (result["status"], result["rule"]) == (status, rule)
    if not math.isnan(achieved):
        assert result["achieved"] == approx(achieved)


# --- milestone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "y", "status", "rule", "achieved"),
    [
        # Due 2023: e(2021) = 1/3; 30 % done is behind, 70 % in 2022 (e = 2/3) is on schedule.
        ({2021: 30}, 2021, YELLOW, "behind_schedule", 0.3),
        ({2021: 30, 2022: 70}, 2022, GREEN, "on_schedule", 0.7),
        ({2021: 30, 2022: 20}, 2022, RED, "went_backwards", 0.2),
        # The missed milestone: 90 % in 2023 is red; done in 2024 it turns green, late.
        ({2021: 30, 2022: 70, 2023: 90}, 2023, RED, "deadline_missed", 0.9),
        ({2021: 30, 2022: 70, 2023: 90, 2024: 100}, 2024, GREEN, "target_met", 1.0),
        ({2021: 30, 2022: 70, 2023: 90}, 2024, GREY, "no_data", float("nan")),
    ],
)
def test_milestone(figures, y, status, rule, achieved):
    result = year(OUTFALL, figures, y)
    assert (result["status"], result["rule"]) == (status, rule)
    if not math.isnan(achieved):
        assert result["achieved"] == approx(achieved)


def test_milestone_needs_and_expected_after_the_deadline():
    results = evaluate(**OUTFALL, figures={2021: 30})
    assert results[2021]["required_per_year"] == approx(35)  # 70 points over 2 years
    assert results[2021]["projected"] == approx(90)  # 30 a year for 3 years
    assert [results[y]["expected"] for y in (2023, 2024, 2025)] == [approx(1), approx(1), approx(1)]
    assert sorted(results) == [2021, 2022, 2023, 2024, 2025]


# --- the frame as a whole ------------------------------------------------------------------------


def test_every_indicator_gets_a_city_row_for_every_year_even_without_figures():
    results = _compute(COD, [])
    assert list(results["year"]) == [2021, 2022, 2023, 2024, 2025]
    assert set(results["status"]) == {GREY}


def test_recomputing_gives_the_same_frame():
    rows = [(1, 0, 2021, "amount", "final", 700.0), (1, 7, 2022, "amount", "final", 80.0)]
    pd.testing.assert_frame_equal(_compute(COD, rows), _compute(COD, rows))


def _frame(figures):
    return [
        (1, 0, y, measure, value[1], value[0]) for y, values in figures.items() for measure, value in values.items()
    ]


def _compute(spec, rows):
    indicators = pd.DataFrame(
        [
            {
                "indicator_id": 1,
                "kind": spec["kind"],
                "baseline_year": spec["baseline_year"],
                "target_year": spec["target_year"],
                "target_value": float(spec["target_value"]),
                "strict": spec.get("strict", False),
                "baseline_value": float("nan"),
                "green_ratio": 1.0,
                "last_year": spec.get("last_year", spec["target_year"]),
            }
        ]
    )
    return progress.compute(indicators, pd.DataFrame(rows, columns=progress.FIGURE_COLUMNS))
