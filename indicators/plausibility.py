"""Plausibility checks on a submission: findings the reviewer must see and the submitter must explain
(plan 四(八): strengthen the review of statistical data). They flag, they never refuse: hard errors are
kinds.value_problem's. Plain Python: the entry form and the upload share it without Django."""

from decimal import Decimal

from . import kinds
from .kinds import gettext_noop

JUMP = "jump"
RATE_JUMP = "rate_jump"
PROGRESS_FELL = "progress_fell"
FEEDSTOCK_ABOVE_TOTAL = "feedstock_above_total"
RATE_MISMATCH = "rate_mismatch"
FAR_FROM_PRELIMINARY = "far_from_preliminary"

MESSAGES = {
    JUMP: gettext_noop("Changed by %(change)s%% from last year's %(previous)s (threshold ±%(threshold)s%%)."),
    RATE_JUMP: gettext_noop("A year-on-year change of %(value)s%% lies beyond ±%(threshold)s%%."),
    PROGRESS_FELL: gettext_noop("Percent complete fell from %(previous)s to %(value)s."),
    FEEDSTOCK_ABOVE_TOTAL: gettext_noop("Feedstock energy %(value)s exceeds total energy use %(total)s."),
    RATE_MISMATCH: gettext_noop("The levels imply a change of %(implied)s%%, but %(value)s%% was entered."),
    FAR_FROM_PRELIMINARY: gettext_noop(
        "Differs by %(change)s%% from the preliminary figure %(preliminary)s (tolerance ±%(threshold)s%%)."
    ),
}
# A level and a change rate entered together may differ by rounding, not by more than this (points).
RATE_MISMATCH_POINTS = Decimal("0.5")
HUNDRED = Decimal(100)
# Measures whose size compares from one year to the next.
COMPARABLE = (kinds.LEVEL, kinds.AMOUNT, *kinds.COMPONENT_MEASURES)


def check(*, values, previous, preliminary, jump, tolerance):
    """Findings for one indicator, year and region.

    `values`: {measure: Decimal} being submitted; `previous`: last year's {measure: Decimal};
    `preliminary`: this year's preliminary {measure: Decimal} when a final figure is submitted, else {};
    `jump` and `tolerance` as shares (0.3 = ±30%). Returns [{"code", "measure", "params"}] with plain
    strings in params, ready to be stored as JSON."""
    flags = []
    for measure, value in values.items():
        flags += _jump(measure, value, previous.get(measure), jump)
        if measure in preliminary:
            flags += _far_from_preliminary(measure, value, preliminary[measure], tolerance)
    flags += _contradictions(values, previous)
    return flags


def _flag(code, measure, **params):
    return {"code": code, "measure": measure, "params": {k: _text(v) for k, v in params.items()}}


def _jump(measure, value, last, jump):
    if measure == kinds.CHANGE_RATE and abs(value) > jump * HUNDRED:
        return [_flag(RATE_JUMP, measure, value=value, threshold=jump * HUNDRED)]
    if measure in COMPARABLE and last:  # no ratio against nothing or zero
        change = (value / last - 1) * HUNDRED
        if abs(change) > jump * HUNDRED:
            return [_flag(JUMP, measure, change=_signed(change), previous=last, threshold=jump * HUNDRED)]
    return []


def _far_from_preliminary(measure, value, preliminary, tolerance):
    if measure == kinds.CHANGE_RATE:
        # Compare the levels the two rates imply, so -3.0 against -2.9 is a 0.1% difference, not 3%.
        final_level, preliminary_level = HUNDRED + value, HUNDRED + preliminary
    else:
        final_level, preliminary_level = value, preliminary
    if not preliminary_level:
        return []
    change = (final_level / preliminary_level - 1) * HUNDRED
    if abs(change) > tolerance * HUNDRED:
        return [
            _flag(
                FAR_FROM_PRELIMINARY,
                measure,
                change=_signed(change),
                preliminary=preliminary,
                threshold=tolerance * HUNDRED,
            )
        ]
    return []


def _contradictions(values, previous):
    """Values that contradict the kind of figure or each other."""
    flags = []
    done, done_before = values.get(kinds.PERCENT_COMPLETE), previous.get(kinds.PERCENT_COMPLETE)
    if done is not None and done_before is not None and done < done_before:
        flags.append(_flag(PROGRESS_FELL, kinds.PERCENT_COMPLETE, value=done, previous=done_before))
    total, feedstock = values.get(kinds.ENERGY_TOTAL), values.get(kinds.FEEDSTOCK)
    if total is not None and feedstock is not None and feedstock > total:
        flags.append(_flag(FEEDSTOCK_ABOVE_TOTAL, kinds.FEEDSTOCK, value=feedstock, total=total))
    level, rate, level_before = values.get(kinds.LEVEL), values.get(kinds.CHANGE_RATE), previous.get(kinds.LEVEL)
    if level is not None and rate is not None and level_before:
        implied = (level / level_before - 1) * HUNDRED
        if abs(implied - rate) > RATE_MISMATCH_POINTS:
            flags.append(_flag(RATE_MISMATCH, kinds.CHANGE_RATE, implied=_signed(implied), value=rate))
    return flags


def flag_text(flag, translate):
    """The finding in the reader's language; `translate` is gettext."""
    return translate(MESSAGES[flag["code"]]) % flag["params"]


def _signed(number):
    return f"{number:+.1f}"


def _text(value):
    """Numbers as the reader writes them: 3472, 15.5, 0.0012; at most six decimals."""
    if isinstance(value, str):
        return value
    return f"{Decimal(value).quantize(Decimal('0.000001')).normalize():f}"
