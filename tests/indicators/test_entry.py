"""The entry and review workflow services: draft -> submitted -> approved or returned; locks; history."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from departments.models import Region
from indicators import entry
from indicators.figures import ImportRejected, figures_import
from indicators.models import Figure, Indicator, Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def straw(plan):
    """STRAW_USE: straw use >= 90 % by 2025, led among others by 市生态环境局."""
    return Indicator.objects.select_related("task__plan").get(code="STRAW_USE")


def enter(user, indicator, year, value, *, submit=True, note="", stage="final", region=None):
    return entry.figures_enter(
        user=user,
        indicator=indicator,
        region=region,
        year=year,
        stage=stage,
        values={"level": None if value is None else D(value)},
        note=note,
        submit=submit,
    )


def versions(*figures):
    """What a reviewer saw of these figures."""
    return {f.pk: f.version for f in figures}


def test_draft_then_submit_then_approve_recomputes(clerk, head, straw, django_capture_on_commit_callbacks):
    (draft,) = enter(clerk, straw, 2020, 80, submit=False)
    assert (draft.status, draft.revision, draft.submitted_at) == ("draft", 1, None)
    (baseline,) = enter(clerk, straw, 2020, 80)
    (current,) = enter(clerk, straw, 2021, 85)
    assert baseline.status == current.status == "submitted" and baseline.submitted_at
    assert baseline.revision == 1  # the same value again is no new revision

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry.figures_review(user=head, versions=versions(baseline, current), approve=True)
    assert len(callbacks) == 1  # one recompute of the indicator

    current.refresh_from_db()
    assert (current.status, current.reviewed_by) == ("approved", head)
    # (85 - 80) / (90 - 80) = 50 % achieved against 1/5 expected in 2021: green.
    result = Result.objects.get(indicator=straw, region=None, year=2021)
    assert (result.status, result.current, result.achieved) == ("green", 85.0, pytest.approx(0.5))


def test_history_names_who_and_why(clerk, head, straw):
    (figure,) = enter(clerk, straw, 2021, 70, submit=False)
    enter(clerk, straw, 2021, 72)
    entry.figures_review(user=head, versions=versions(Figure.objects.get()), approve=False, reason="与统计年鉴不符")
    records = list(figure.history.order_by("history_date", "history_id"))
    assert [(r.history_user.username, r.history_change_reason, r.status, r.value) for r in records] == [
        ("clerk", "draft saved", "draft", D(70)),
        ("clerk", "submitted", "submitted", D(72)),
        ("head", "returned: 与统计年鉴不符", "returned", D(72)),
    ]


def test_return_needs_a_reason_and_resubmission_is_a_new_revision(clerk, head, straw):
    (figure,) = enter(clerk, straw, 2021, 70)
    with pytest.raises(ValidationError):
        entry.figures_review(user=head, versions=versions(figure), approve=False, reason="  ")
    entry.figures_review(user=head, versions=versions(figure), approve=False, reason="请核对")
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == ("returned", "请核对")
    (again,) = enter(clerk, straw, 2021, 71)
    assert (again.status, again.revision) == ("submitted", 2)


def test_a_changed_figure_is_stale_for_the_reviewer(clerk, head, straw):
    (figure,) = enter(clerk, straw, 2021, 70)
    seen = versions(figure)
    enter(clerk, straw, 2021, 75)  # changed after the head opened the page
    with pytest.raises(entry.Stale):
        entry.figures_review(user=head, versions=seen, approve=True)
    figure.refresh_from_db()
    assert figure.status == "submitted"


def test_a_changed_note_is_stale_for_the_reviewer(clerk, head, straw):
    (figure,) = enter(clerk, straw, 2021, 70, note="依据年报")
    seen = versions(figure)
    enter(clerk, straw, 2021, 70, note="依据快报，待年报核实")  # the same value, another comment
    with pytest.raises(entry.Stale):
        entry.figures_review(user=head, versions=seen, approve=True)
    assert Figure.objects.get().status == "submitted"


def test_a_figure_returned_and_resubmitted_with_the_same_value_is_stale(clerk, head, reviewer, straw):
    (figure,) = enter(clerk, straw, 2021, 70)
    seen = versions(figure)  # the head opens the queue
    entry.figures_review(user=reviewer, versions=seen, approve=False, reason="请附佐证材料")
    enter(clerk, straw, 2021, 70)  # resubmitted unchanged: revision 1 still, but not what the head saw
    assert Figure.objects.get().revision == 1
    with pytest.raises(entry.Stale):
        entry.figures_review(user=head, versions=seen, approve=True)
    assert Figure.objects.get().status == "submitted"
    entry.figures_review(user=head, versions=versions(Figure.objects.get()), approve=True)  # after a reload


def test_nobody_approves_their_own_figure(head, reviewer, straw):
    (figure,) = enter(head, straw, 2021, 70)
    with pytest.raises(PermissionDenied):
        entry.figures_review(user=head, versions=versions(figure), approve=True)
    entry.figures_review(user=reviewer, versions=versions(figure), approve=True)  # across departments
    figure.refresh_from_db()
    assert figure.status == "approved"


def test_others_may_neither_enter_nor_review(clerk, outsider, person, leader, plan):
    # STEEL_ULE (ultra-low emission steel) is 市生态环境局's task, not 市住建局's.
    steel = Indicator.objects.select_related("task__plan").get(code="STEEL_ULE")
    with pytest.raises(PermissionDenied):
        enter(outsider, steel, 2021, 70)
    with pytest.raises(PermissionDenied):
        enter(leader, steel, 2021, 70)
    (figure,) = enter(clerk, steel, 2021, 70)
    other_head = person("head", "市住建局", username="other_head")
    for user in (other_head, clerk, leader):
        with pytest.raises(PermissionDenied):
            entry.figures_review(user=user, versions=versions(figure), approve=True)
    assert Figure.objects.get().status == "submitted"


def test_approved_is_locked_until_an_administrator_unlocks(
    clerk, head, administrator, straw, django_capture_on_commit_callbacks
):
    (figure,) = enter(clerk, straw, 2021, 70)
    with django_capture_on_commit_callbacks(execute=True):
        entry.figures_review(user=head, versions=versions(figure), approve=True)
    assert Result.objects.filter(indicator=straw, year=2021, current=70).exists()
    with pytest.raises(entry.Locked):
        enter(clerk, straw, 2021, 75)
    with pytest.raises(ImportRejected) as rejected:
        figures_import(data=b"indicator,year,value\nSTRAW_USE,2021,75\n", filename="f.csv", user=clerk)
    assert "locked" in rejected.value.problems[0].text()

    with pytest.raises(PermissionDenied):
        entry.figures_unlock(user=head, indicator=straw, region=None, year=2021, reason="录入错误")
    with pytest.raises(ValidationError):
        entry.figures_unlock(user=administrator, indicator=straw, region=None, year=2021, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        entry.figures_unlock(user=administrator, indicator=straw, region=None, year=2021, reason="录入错误")
    assert not Result.objects.filter(indicator=straw, year=2021, current__isnull=False).exists()

    (corrected,) = enter(clerk, straw, 2021, 75)
    assert (corrected.status, corrected.revision) == ("submitted", 2)
    reasons = list(corrected.history.values_list("history_change_reason", flat=True))
    assert "unlocked: 录入错误" in reasons


def test_flagged_values_need_a_comment(clerk, head, straw):
    (baseline,) = enter(clerk, straw, 2020, 60)
    entry.figures_review(user=head, versions=versions(baseline), approve=True)
    with pytest.raises(entry.NeedsComment) as flagged:
        enter(clerk, straw, 2021, 85)  # +41.7 % in a year
    assert [f["code"] for f in flagged.value.flags] == ["jump"]
    assert not Figure.objects.filter(year=2021).exists()
    (figure,) = enter(clerk, straw, 2021, 85, note="新建两座秸秆电厂投产")
    assert [f["code"] for f in figure.flags] == ["jump"] and figure.note == "新建两座秸秆电厂投产"
    assert figure.flag_texts and "41.7" in figure.flag_texts[0]


def test_a_draft_value_can_be_taken_back(clerk, straw):
    enter(clerk, straw, 2021, 70, submit=False)
    assert enter(clerk, straw, 2021, None, submit=False) == []
    assert not Figure.objects.exists()


def test_region_clerk_enters_only_their_region(region_clerk, plan):
    cod = Indicator.objects.select_related("task__plan").get(code="COD")
    own, other = Region.objects.get(name="鲅鱼圈区"), Region.objects.exclude(name="鲅鱼圈区").first()

    def amount(region):
        return entry.figures_enter(
            user=region_clerk,
            indicator=cod,
            region=region,
            year=2021,
            stage="final",
            values={"amount": D(120)},
            note="",
            submit=True,
        )

    (figure,) = amount(own)
    assert figure.region == own
    for region in (other, None):
        with pytest.raises(PermissionDenied):
            amount(region)
    with pytest.raises(PermissionDenied):  # not broken down by region
        enter(region_clerk, Indicator.objects.select_related("task__plan").get(code="STRAW_USE"), 2021, 70, region=own)
