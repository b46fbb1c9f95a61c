"""fixtures/plan-next.toml: an illustrative next plan (2026-2030), read with the catalogue reader. No database."""

import pytest

from indicators import kinds
from indicators.catalogue import CATALOGUE_PATH, FIXTURES, check, read_catalogue

NEXT_PATH = FIXTURES / "plan-next.toml"


@pytest.fixture(scope="module")
def next_plan():
    return read_catalogue(NEXT_PATH)


@pytest.fixture(scope="module")
def first_plan():
    return read_catalogue(CATALOGUE_PATH)


def by_code(items):
    return {item["code"]: item for item in items}


def test_the_file_passes_the_check():
    assert check(NEXT_PATH.read_bytes()) == []


def test_it_is_marked_fictional_and_cannot_pass_for_an_official_document(next_plan):
    plan = next_plan["plan"]
    assert plan["fictional"] is True
    assert plan["slug"] == "yingkou-15th-example"
    assert "示例" in plan["document_number"] and "示例" in plan["name"] and "非官方" in plan["name"]
    assert "not an official document" in plan["name_en"]
    head = NEXT_PATH.read_text(encoding="utf-8").split("[plan]", 1)[0]
    assert "NOT AN OFFICIAL DOCUMENT" in head and "非官方文件" in head


def test_every_target_and_task_text_says_it_is_illustrative(next_plan):
    assert [i["code"] for i in next_plan["indicators"] if not i["source_text"].startswith("示例：")] == []
    assert [t["code"] for t in next_plan["tasks"] if not t["text"].startswith("示例")] == []


def test_baseline_and_target_years(next_plan):
    assert (next_plan["plan"]["baseline_year"], next_plan["plan"]["target_year"]) == (2025, 2030)
    for indicator in next_plan["indicators"]:
        assert indicator["baseline_year"] == 2025, indicator["code"]
        assert 2025 < indicator["target_year"] <= 2030, indicator["code"]


def test_the_energy_intensity_target_reads_the_14th_plans_statistic(next_plan, first_plan):
    energy = by_code(next_plan["indicators"])["EI_GDP"]
    assert (energy["statistic"], energy["kind"], energy["baseline_year"]) == ("EI_GDP", kinds.RELATIVE_REDUCTION, 2025)
    # The 14th plan's statistic has its target year 2025: that figure is this plan's baseline.
    assert by_code(first_plan["indicators"])["EI_GDP"]["target_year"] == 2025


def test_the_new_targets_read_statistics_of_their_own(next_plan, first_plan):
    first = {i["statistic"] for i in first_plan["indicators"]}
    targets = by_code(next_plan["indicators"])
    for code, kind in (("CO2_GDP", kinds.RELATIVE_REDUCTION), ("NONFOSSIL_SHARE", kinds.AT_LEAST)):
        assert (targets[code]["kind"], targets[code]["statistic"]) == (kind, code)
        assert code not in first


def test_a_target_reading_a_14th_plan_statistic_measures_it_the_same_way(next_plan, first_plan):
    """A statistic is one thing measured: the same unit, regions and measures in both plans."""
    first = by_code(first_plan["indicators"])
    shared = [i for i in next_plan["indicators"] if i["statistic"] in first]
    assert {i["code"] for i in shared} >= {"EI_GDP", "COD", "NOX", "RURAL_SEWAGE", "STRAW_USE"}
    for target in shared:
        old = first[target["statistic"]]
        assert (target["unit"], target["by_region"]) == (old["unit"], old["by_region"]), target["code"]
        assert kinds.kind(target["kind"]).measures == kinds.kind(old["kind"]).measures, target["code"]
        assert target["energy_components"] == old["energy_components"], target["code"]


def test_level_targets_have_a_baseline_value(next_plan):
    """A level is judged from where it stood in 2025: the file gives that level (an entered 2025 figure wins)."""
    for indicator in next_plan["indicators"]:
        if kinds.kind(indicator["kind"]).level_target or indicator["kind"] == kinds.POINT_REDUCTION:
            assert indicator["baseline_value"] is not None, indicator["code"]


def test_size_and_kinds(next_plan):
    assert 4 <= len(next_plan["tasks"]) <= 6
    assert 8 <= len(next_plan["indicators"]) <= 12
    assert {i["kind"] for i in next_plan["indicators"]} <= set(kinds.KINDS)


def test_departments_and_regions_are_the_14th_plans(next_plan, first_plan):
    first_departments = {d["name"] for d in first_plan["departments"]}
    first_regions = {r["name"] for r in first_plan["regions"]}
    assert {d["name"] for d in next_plan["departments"]} <= first_departments
    assert {r["name"] for r in next_plan["regions"]} <= first_regions
    named = {name for t in next_plan["tasks"] for name in t["lead_departments"] + t["cooperating_departments"]}
    assert named <= first_departments
    # Loading upserts departments and regions by name, with their English name, kind, aliases and position:
    # the tables must be the first plan's, in its order, or loading this file would change the 14th plan's.
    assert next_plan["departments"] == first_plan["departments"]
    assert next_plan["regions"] == first_plan["regions"]
