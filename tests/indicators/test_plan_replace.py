"""plan_replace: a new version of a plan's catalogue loaded in one transaction, with the targets and tasks it no
longer lists removed; their figures kept, a removal that has figures confirmed first, other plans untouched."""

import copy
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.catalogue import NEXT_PLAN_PATH, read_catalogue
from indicators.models import (
    Figure,
    Indicator,
    PendingRecompute,
    Plan,
    ProgressReport,
    Result,
    Statistic,
    Task,
    TaskResponsibility,
)
from indicators.plans import ReplaceRefused, StalePreview, plan_catalogue, plan_load, plan_preview, plan_replace
from tests.factories import FigureFactory


def edited(catalogue, *, plan=None, indicators=None, tasks=None):
    new = copy.deepcopy(catalogue)
    new["plan"] |= plan or {}
    if indicators:
        new["indicators"] = indicators(new["indicators"])
    if tasks:
        new["tasks"] = tasks(new["tasks"])
    return new


def without(*codes):
    return lambda items: [item for item in items if item["code"] not in codes]


def with_value(code, **fields):
    return lambda items: [item | fields if item["code"] == code else item for item in items]


def database(plan):
    """Every row of a plan's catalogue, with its primary keys, and what hangs off it."""
    return {
        "catalogue": plan_catalogue(plan),
        "tasks": sorted(Task.objects.filter(plan=plan).values_list("pk", "code", "position")),
        "indicators": sorted(Indicator.objects.filter(plan=plan).values_list("pk", "code", "position", "statistic")),
        "responsibilities": sorted(
            TaskResponsibility.objects.filter(task__plan=plan).values_list("pk", "department", "role", "position")
        ),
        "results": sorted(Result.objects.filter(indicator__plan=plan).values_list("pk", "status")),
        "plan": Plan.objects.filter(pk=plan.pk).values().get(),
    }


def result(indicator, year=2021):
    return Result.objects.create(
        indicator=indicator, year=year, status="grey", rule="no_data", computed_at=timezone.now()
    )


@pytest.fixture
def following(plan):
    """The illustrative next plan, whose targets read some of the 14th plan's statistics (EI_GDP, COD...)."""
    return plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))


def test_an_unchanged_file_changes_nothing(plan, catalogue, administrator):
    result(Indicator.objects.get(plan=plan, code="COD"))
    before = database(plan)
    done = plan_replace(plan=plan, catalogue=catalogue, confirm_removals=False, user=administrator)
    assert done.diff.empty and done.plan == plan
    assert database(plan) == before
    assert not PendingRecompute.objects.exists()


def test_a_changed_target_is_updated_and_recomputed(plan, catalogue, administrator):
    new = edited(catalogue, indicators=with_value("COD", target_value=Decimal("3500"), note="修订"))
    preview = plan_preview(catalogue=new, plan=plan)
    [entry] = preview.diff.indicators.changed
    assert entry.key == "COD"
    assert [(c.field, c.old_text, c.new_text) for c in entry.changes] == [
        ("target_value", "3472", "3500"),
        ("note", "", "修订"),
    ]
    assert not preview.needs_confirmation
    plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    cod = Indicator.objects.get(plan=plan, code="COD")
    assert (cod.target_value, cod.note) == (3500, "修订")
    assert list(PendingRecompute.objects.values_list("indicator_id", flat=True)) == [cod.pk]


def test_a_removed_target_without_figures_is_removed_with_its_results(plan, catalogue, administrator):
    straw = Indicator.objects.get(plan=plan, code="STRAW_USE")
    result(straw)
    new = edited(catalogue, indicators=without("STRAW_USE"))
    done = plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert done.diff.indicators.keys("removed") == ["STRAW_USE"]
    assert not Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()
    assert not Result.objects.filter(indicator_id=straw.pk).exists()
    assert Statistic.objects.filter(code="STRAW_USE").exists()  # what is measured stays
    assert Indicator.objects.filter(plan=plan).count() == 40


def test_a_removed_target_with_figures_needs_a_confirmation_and_its_figures_stay(plan, catalogue, administrator):
    cod = Indicator.objects.get(plan=plan, code="COD")
    figures = [FigureFactory(indicator=cod, year=year, measure="amount") for year in (2021, 2022)]
    result(cod)
    new = edited(catalogue, indicators=without("COD", "STRAW_USE"))
    preview = plan_preview(catalogue=new, plan=plan)
    assert preview.figures == {"COD": 2} and preview.needs_confirmation
    before = database(plan)

    with pytest.raises(ReplaceRefused) as refused:
        plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert "COD" in str(refused.value) and len(refused.value.items) == 1 and "COD" in refused.value.items[0]
    assert database(plan) == before  # nothing saved, not even the removal that needed no confirmation

    plan_replace(plan=plan, catalogue=new, confirm_removals=True, user=administrator)
    assert not Indicator.objects.filter(plan=plan, code__in=["COD", "STRAW_USE"]).exists()
    assert not Result.objects.filter(indicator_id=cod.pk).exists()
    assert set(Figure.objects.filter(statistic__code="COD")) == set(figures)
    assert Statistic.objects.get(code="COD").figures.count() == 2


def test_a_removed_task_goes_with_its_targets(plan, catalogue, administrator):
    new = edited(catalogue, tasks=without("三（二）"), indicators=without("PARK_CIRCULAR"))
    done = plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert done.diff.tasks.keys("removed") == ["三（二）"]
    assert not Task.objects.filter(plan=plan, code="三（二）").exists()
    assert not Indicator.objects.filter(plan=plan, code="PARK_CIRCULAR").exists()
    assert Task.objects.filter(plan=plan).count() == 21


def test_a_removed_task_with_progress_reports_needs_a_confirmation(plan, catalogue, administrator, clerk):
    task = Task.objects.get(plan=plan, code="三（二）")
    ProgressReport.objects.create(task=task, department=clerk.department, year=2023, text="进展", updated_by=clerk)
    new = edited(catalogue, tasks=without("三（二）"), indicators=without("PARK_CIRCULAR"))
    assert plan_preview(catalogue=new, plan=plan).reports == {"三（二）": 1}
    with pytest.raises(ReplaceRefused, match="三（二）"):
        plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert Task.objects.filter(pk=task.pk).exists()
    plan_replace(plan=plan, catalogue=new, confirm_removals=True, user=administrator)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_target_moved_to_another_task_survives_its_old_task(plan, catalogue, administrator):
    new = edited(catalogue, tasks=without("三（二）"), indicators=with_value("PARK_CIRCULAR", task="三（一）"))
    plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert Indicator.objects.get(plan=plan, code="PARK_CIRCULAR").task.code == "三（一）"


def test_an_added_target_is_loaded_and_recomputed(plan, catalogue, administrator):
    added = catalogue["indicators"][-1] | {"code": "NEW_TARGET", "statistic": "NEW_TARGET", "name": "新目标"}
    new = edited(catalogue, indicators=lambda items: [*items, added])
    done = plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert done.diff.indicators.keys("added") == ["NEW_TARGET"]
    target = Indicator.objects.get(plan=plan, code="NEW_TARGET")
    assert list(PendingRecompute.objects.values_list("indicator_id", flat=True)) == [target.pk]


def test_a_changed_plan_year_recomputes_every_target(plan, catalogue, administrator):
    new = edited(catalogue, plan={"target_year": 2026})
    done = plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator)
    assert [change.field for change in done.diff.plan] == ["target_year"]
    assert PendingRecompute.objects.count() == 41


def test_a_file_of_another_document_number_is_refused(plan, catalogue, administrator):
    before = database(plan)
    new = edited(catalogue, plan={"document_number": "营政发〔2023〕1号"}, indicators=without("COD"))
    with pytest.raises(ReplaceRefused, match="营政发〔2023〕1号"):
        plan_replace(plan=plan, catalogue=new, confirm_removals=True, user=administrator)
    assert database(plan) == before
    assert not Plan.objects.filter(document_number="营政发〔2023〕1号").exists()


def test_a_closed_plan_is_refused(plan, catalogue, administrator):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    plan.refresh_from_db()
    with pytest.raises(ReplaceRefused, match="营政发〔2022〕18号"):
        plan_replace(
            plan=plan, catalogue=edited(catalogue, indicators=without("COD")), confirm_removals=True, user=None
        )
    assert Indicator.objects.filter(plan=plan, code="COD").exists()


def test_a_stale_preview_is_refused(plan, catalogue, administrator):
    new = edited(catalogue, indicators=without("STRAW_USE"))
    seen = plan_preview(catalogue=new, plan=plan).fingerprint
    Indicator.objects.filter(plan=plan, code="COD").update(target_value=1)  # another administrator, meanwhile
    with pytest.raises(StalePreview):
        plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator, fingerprint=seen)
    assert Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()
    fresh = plan_preview(catalogue=new, plan=plan).fingerprint
    plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=administrator, fingerprint=fresh)
    assert not Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()


def test_a_file_for_a_new_plan_creates_a_draft(plan, catalogue, administrator):
    new = edited(
        catalogue,
        plan={"document_number": "测试〔2026〕9号", "slug": "test-next", "baseline_year": 2025, "target_year": 2030},
        indicators=lambda items: [i | {"baseline_year": 2025, "target_year": 2030} for i in items[:3]],
    )
    preview = plan_preview(catalogue=new, plan=None)
    assert preview.diff.new_plan and preview.plan is None
    done = plan_replace(plan=None, catalogue=new, confirm_removals=False, user=administrator)
    assert (done.plan.slug, done.plan.status) == ("test-next", Plan.Status.DRAFT)
    assert Indicator.objects.filter(plan=done.plan).count() == 3
    assert Indicator.objects.filter(plan=plan).count() == 41


def test_a_new_plan_of_a_loaded_document_number_is_refused(plan, catalogue):
    with pytest.raises(ReplaceRefused, match="营政发〔2022〕18号"):
        plan_replace(plan=None, catalogue=catalogue, confirm_removals=False, user=None)


def test_a_short_name_another_plan_uses_is_refused(plan, following, catalogue):
    new = edited(catalogue, plan={"slug": following.slug})
    with pytest.raises(ReplaceRefused, match=following.slug):
        plan_replace(plan=plan, catalogue=new, confirm_removals=False, user=None)
    plan.refresh_from_db()
    assert plan.slug == "yingkou-14th"


def test_another_plans_data_is_never_touched(plan, following, catalogue, administrator):
    """The next plan reads the 14th plan's EI_GDP and COD statistics: removing and changing the 14th plan's
    targets on them leaves the next plan's targets, their results and the shared figures as they were."""
    ei_gdp = Indicator.objects.get(plan=plan, code="EI_GDP")
    FigureFactory(indicator=ei_gdp, year=2025, value=Decimal("0.5"))
    result(Indicator.objects.get(plan=following, code="EI_GDP"), year=2026)
    others = database(following)

    new = edited(
        catalogue,
        indicators=lambda items: with_value("COD", target_value=Decimal("1"))(without("EI_GDP", "STRAW_USE")(items)),
    )
    plan_replace(plan=plan, catalogue=new, confirm_removals=True, user=administrator)
    assert database(following) == others
    assert Figure.objects.filter(statistic__code="EI_GDP").count() == 1
    assert not Indicator.objects.filter(plan=plan, code="EI_GDP").exists()
    pending = set(PendingRecompute.objects.values_list("indicator__plan", flat=True))
    assert pending == {plan.pk}

    # And the other way round: the next plan's new version leaves the 14th plan alone.
    mine = database(plan)
    following_catalogue = read_catalogue(NEXT_PLAN_PATH)
    changed = edited(following_catalogue, indicators=without("STRAW_USE", "COD"))
    plan_replace(plan=following, catalogue=changed, confirm_removals=True, user=administrator)
    assert database(plan) == mine
    assert Indicator.objects.filter(plan=following).count() == 8


def test_who_loaded_it_is_logged(plan, catalogue, administrator, caplog):
    with caplog.at_level(logging.INFO, logger="indicators.plans"):
        plan_replace(
            plan=plan,
            catalogue=edited(catalogue, indicators=without("STRAW_USE")),
            confirm_removals=False,
            user=administrator,
        )
    assert "administrator" in caplog.text and "STRAW_USE" in caplog.text and "yingkou-14th" in caplog.text
