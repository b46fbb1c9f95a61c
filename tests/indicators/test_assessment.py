"""The final assessment's arithmetic, with the plan's real targets worked out by hand."""

import pytest

from indicators import assessment
from indicators.assessment import MET, NO_DATA, NOT_MET, Verdict

# (kind, strict, target, target-year value in the target's terms, outcome, gap)
CASES = [
    # COD: 3472 t in total over 2021-2025.
    ("cumulative_total", False, 3472, 3500, MET, -28.0),
    ("cumulative_total", False, 3472, 3400, NOT_MET, 72.0),
    ("cumulative_total", False, 3472, 3472, MET, 0.0),
    # EI_GDP: 15.5 % below 2020; a change of -16.0 % is 16.0 % below, -15.0 % is 0.5 points short.
    ("relative_reduction", False, 15.5, 16.0, MET, -0.5),
    ("relative_reduction", False, 15.5, 15.0, NOT_MET, 0.5),
    ("relative_reduction", False, 15.5, 15.5, MET, 0.0),
    # EFFICIENCY_BENCHMARK: 超过30% is strict: exactly 30 % is not met.
    ("at_least", True, 30, 30.0, NOT_MET, 0.0),
    ("at_least", True, 30, 30.1, MET, -0.1),
    # RURAL_SEWAGE: 35 % (达到): exactly 35 % is met.
    ("at_least", False, 35, 35.0, MET, 0.0),
    ("at_least", False, 35, 34.9, NOT_MET, 0.1),
    # DC_PUE: at most 1.3; 1.4 is 0.1 too high (a positive gap is short of the target).
    ("at_most", False, 1.3, 1.3, MET, 0.0),
    ("at_most", False, 1.3, 1.4, NOT_MET, 0.1),
    # WATER_LEAKAGE: 低于10% is strict.
    ("at_most", True, 10, 10.0, NOT_MET, 0.0),
    ("at_most", True, 10, 9.5, MET, -0.5),
    # A point reduction of 2 points; a milestone done by its year.
    ("point_reduction", False, 2, 1.5, NOT_MET, 0.5),
    ("milestone", False, 100, 100, MET, 0.0),
    ("milestone", False, 100, 80, NOT_MET, 20.0),
]


@pytest.mark.parametrize(("kind", "strict", "target", "value", "outcome", "gap"), CASES)
def test_judge(kind, strict, target, value, outcome, gap):
    verdict = assessment.judge(kind=kind, strict=strict, target_value=target, value=value, stage="final")
    assert verdict.outcome == outcome
    assert verdict.gap == pytest.approx(gap)
    assert verdict.stage == "final"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_no_value_is_no_data(value):
    verdict = assessment.judge(kind="at_least", strict=False, target_value=80, value=value)
    assert (verdict.outcome, verdict.gap, verdict.status) == (NO_DATA, None, "grey")


@pytest.mark.parametrize(("outcome", "status"), [(MET, "green"), (NOT_MET, "red"), (NO_DATA, "grey")])
def test_status_comes_from_the_outcome(outcome, status):
    assert Verdict(outcome).status == status


@pytest.mark.parametrize(
    ("stages", "used"),
    [({"final", "preliminary"}, "final"), ({"preliminary"}, "preliminary"), ({"final"}, "final"), (set(), None)],
)
def test_stage_used(stages, used):
    assert assessment.stage_used(stages) == used


@pytest.mark.parametrize(
    ("kind", "judged"),
    [("cumulative_total", False), ("relative_reduction", True), ("at_least", True), ("at_most", True)],
)
def test_judged_in_regions(kind, judged):
    assert assessment.judged_in_regions(kind) is judged


def test_shares_split_binding_and_expected():
    met, short, none = Verdict(MET, 0.0), Verdict(NOT_MET, 1.0), Verdict(NO_DATA)
    shares = assessment.shares([(True, met), (True, short), (False, met), (False, none), (True, met)])
    assert shares["all"] == assessment.Share(met=3, assessed=4, missing=1)
    assert shares["binding"].ratio == pytest.approx(2 / 3)
    assert shares["expected"] == assessment.Share(met=1, assessed=1, missing=1)


def test_a_share_without_assessed_targets_has_no_ratio():
    assert assessment.share([Verdict(NO_DATA)]).ratio is None


def test_shares_by_key_keep_first_seen_order():
    met, short = Verdict(MET, 0.0), Verdict(NOT_MET, 1.0)
    grouped = assessment.shares_by([("生态环境局", met), ("发改委", short), ("生态环境局", short)])
    assert list(grouped) == ["生态环境局", "发改委"]
    assert grouped["生态环境局"] == assessment.Share(met=1, assessed=2)
    assert grouped["发改委"].ratio == 0.0
