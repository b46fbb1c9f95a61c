"""The final assessment (终期评估) of a plan whose target year has passed: for each target, met / not met /
no data and the gap left; then the shares met. Plain Python (and progress.py): no Django, no clock.

The value judged is the target-year progress in the target's own terms, as the progress engine computes it
(progress.py's `value`: % below the baseline, cumulative amount, level, points, % done), from the final
figures where they exist, else the preliminary ones; the caller says which stage it used.
"""

from dataclasses import dataclass

import pandas as pd

from . import kinds, progress

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
OUTCOMES = (MET, NOT_MET, NO_DATA)
# The light each outcome is drawn with: pages colour from this value, never from thresholds.
STATUS_OF_OUTCOME = {MET: progress.GREEN, NOT_MET: progress.RED, NO_DATA: progress.GREY}


@dataclass(frozen=True)
class Verdict:
    """One target at its target year. `gap` is in the target's terms, positive when short of the target
    (negative: beyond it); None without data. `stage` names the figures used (final or preliminary)."""

    outcome: str
    gap: float | None = None
    value: float | None = None
    stage: str | None = None

    @property
    def status(self):
        return STATUS_OF_OUTCOME[self.outcome]


@dataclass(frozen=True)
class Share:
    """How many targets were met among those assessed (with data); `missing` had no data."""

    met: int = 0
    assessed: int = 0
    missing: int = 0

    @property
    def ratio(self):
        """The share met as a fraction, None when nothing could be assessed."""
        return self.met / self.assessed if self.assessed else None


def judge(*, kind, strict, target_value, value, stage=None):
    """The verdict on one target whose target-year progress is `value` (None: no data).

    The comparison is progress.py's own (`strict`: 超过/低于 must pass the target, 达到/不低于 may equal it),
    so the assessment never disagrees with the lights about what "met" means."""
    if value is None or pd.isna(value):
        return Verdict(NO_DATA, stage=stage)
    upward = kinds.kind(kind).upward
    target, value = float(target_value), float(value)
    met = progress.meets(pd.Series([value]), target, strict, at_least=upward).iloc[0]
    gap = target - value if upward else value - target
    return Verdict(MET if met else NOT_MET, gap=gap, value=value, stage=stage)


def judged_in_regions(kind):
    """Whether a region's figure is judged against the target: not for a city-wide amount the plan
    does not split among the regions (progress.NO_REGIONAL_TARGET)."""
    return not kinds.kind(kind).cumulative


def stage_used(stages):
    """The stage the engine read for a year: final supersedes preliminary; None without figures."""
    stages = set(stages)
    if kinds.FINAL in stages:
        return kinds.FINAL
    return kinds.PRELIMINARY if kinds.PRELIMINARY in stages else None


def share(verdicts):
    """The Share of a collection of verdicts."""
    outcomes = [verdict.outcome for verdict in verdicts]
    met = outcomes.count(MET)
    return Share(met=met, assessed=met + outcomes.count(NOT_MET), missing=outcomes.count(NO_DATA))


def shares(targets):
    """{"all", "binding", "expected"}: the Shares of (binding, verdict) pairs; binding targets are 约束性,
    the others 预期性."""
    targets = list(targets)
    return {
        "all": share(verdict for _binding, verdict in targets),
        "binding": share(verdict for binding, verdict in targets if binding),
        "expected": share(verdict for binding, verdict in targets if not binding),
    }


def shares_by(pairs):
    """{key: Share} of (key, verdict) pairs, keys in the order first seen (a target led by two departments
    counts for both)."""
    grouped = {}
    for key, verdict in pairs:
        grouped.setdefault(key, []).append(verdict)
    return {key: share(verdicts) for key, verdicts in grouped.items()}
