"""An illustrative data set for 2020–2024 so every page has something to show on a fresh machine.

Not official statistics: every page says so while it is loaded. Deterministic (no random seed
drift between runs), pure Python: rows of (code, region name or None, year, measure, value).
"""

from decimal import Decimal

from . import kinds

YEARS = (2020, 2021, 2022, 2023, 2024)

# How far along each indicator is by 2024 as a share of the schedule: under 1 is behind.
# A handful run ahead, most lag a little, a few regress in one year, as real monitoring shows.
PACE = {
    "EI_GDP": 0.9,
    "STEEL_ULE": 1.1,
    "CLEAN_HEATING": 1.05,
    "STRAW_USE": 1.2,
    "RURAL_SEWAGE": 0.6,
    "WATER_LEAKAGE": 0.5,
    "OUTFALL_REMEDIATION": 0.9,
    "DC_PUE": 1.2,
    "SEWAGE_CAPACITY": 0.7,
}
# The others take one of these paces, picked by the code so every run gives the same mix: about half on
# schedule, the rest a little or well behind, as a mid-term review tends to find.
OTHER_PACES = (0.85, 1.05, 1.0, 0.7, 1.1, 0.95)
REGRESSION_YEAR = {"EI_GDP": 2023, "FILM_RECOVERY": 2024, "SOLVENT_INKS": 2022, "RURAL_SEWAGE": 2024}

# Energy intensity as statistics bureaus publish it: signed year-on-year change, in %.
EI_GDP_CHANGES = {2021: Decimal("-2.9"), 2022: Decimal("-3.4"), 2023: Decimal("1.2"), 2024: Decimal("-4.0")}

BASELINE_LEVEL = {
    "EI_INDUSTRY": Decimal("1.85"),
    "WATER_INDUSTRY": Decimal("18.4"),
    "PUBLIC_ENERGY_AREA": Decimal("19.6"),
    "PUBLIC_ENERGY_CAPITA": Decimal("412"),
    "SOLVENT_ADHESIVES": Decimal("860"),
    "DC_PUE": Decimal("1.62"),
    "WATER_LEAKAGE": Decimal("13.8"),
    "SOLVENT_COATINGS": Decimal("46"),
    "SOLVENT_INKS": Decimal("38"),
}


def demo_rows(indicators, regions):
    """indicators: dicts with code, kind, target_value, target_year, by_region. regions: names."""
    rows = []
    for indicator in indicators:
        pace = PACE.get(indicator["code"]) or _other_pace(indicator["code"])
        if indicator["code"] == "EI_GDP":
            rows += [("EI_GDP", None, year, kinds.CHANGE_RATE, change) for year, change in EI_GDP_CHANGES.items()]
            rows += _region_change_rates(regions)
        elif indicator["kind"] == kinds.CUMULATIVE_TOTAL and indicator["by_region"]:
            rows += _region_amounts(indicator, regions, pace)
        else:
            rows += _city_series(indicator, pace)
    return rows


def _other_pace(code):
    return OTHER_PACES[sum(map(ord, code)) % len(OTHER_PACES)]


def _share(year, target_year, pace):
    return min(Decimal(1), Decimal(pace) * Decimal(year - 2020) / Decimal(target_year - 2020))


def _city_series(indicator, pace):
    code, kind, target = indicator["code"], indicator["kind"], Decimal(indicator["target_value"])
    rows, previous = [], None
    for year in YEARS:
        share = _share(year, indicator["target_year"], pace)
        if REGRESSION_YEAR.get(code) == year and previous is not None:
            share = previous - Decimal("0.08")
        previous = share
        if kind == kinds.MILESTONE:
            if year == 2020:
                continue
            rows.append((code, None, year, kinds.PERCENT_COMPLETE, _round(100 * share, 0)))
        elif kind == kinds.CUMULATIVE_TOTAL:
            if year > 2020:
                rows.append((code, None, year, kinds.AMOUNT, _round(target * Decimal(pace) / 5, 2)))
        elif kind == kinds.RELATIVE_REDUCTION:
            base = BASELINE_LEVEL[code]
            rows.append((code, None, year, kinds.LEVEL, _round(base * (1 - target / 100 * share), 3)))
        elif kind == kinds.POINT_REDUCTION:
            rows.append((code, None, year, kinds.LEVEL, _round(BASELINE_LEVEL[code] - target * share, 1)))
        elif kind == kinds.AT_MOST:
            base = BASELINE_LEVEL[code]
            rows.append((code, None, year, kinds.LEVEL, _round(base - (base - target) * share, 2)))
        else:  # at_least: start at 60 % of the target
            base = target * Decimal("0.6")
            rows.append((code, None, year, kinds.LEVEL, _round(base + (target - base) * share, 1)))
    return rows


def _region_amounts(indicator, regions, pace):
    """Yearly reductions per region, in tonnes, the county shares of the city target."""
    code, target = indicator["code"], Decimal(indicator["target_value"])
    weights = [Decimal(w) for w in (3, 2, 6, 3, 5, 4, 2, 1, 1)][: len(regions)]
    total = sum(weights)
    rows = []
    for region, weight in zip(regions, weights, strict=True):
        regional_pace = Decimal(pace) * (Decimal("0.7") + Decimal(weight) / 10)
        for year in YEARS[1:]:
            rows.append((code, region, year, kinds.AMOUNT, _round(target * weight / total * regional_pace / 5, 1)))
    return rows


def _region_change_rates(regions):
    changes = ("-3.1", "-2.4", "-4.2", "-1.5", "0.8", "-2.9", "-3.6", "-5.0", "-2.0")
    return [
        ("EI_GDP", region, year, kinds.CHANGE_RATE, Decimal(changes[i]) + Decimal(year - 2022) / 2)
        for i, region in enumerate(regions)
        for year in YEARS[1:]
    ]


def _round(value, places):
    return Decimal(value).quantize(Decimal(1).scaleb(-places))
