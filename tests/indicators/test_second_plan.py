"""Loading a second plan, and loading it again, leaves the first plan's catalogue and results byte for byte."""

import copy
import io

import pytest
from django.core.management import call_command

from indicators.demo_load import demo_load
from indicators.models import Indicator, Plan
from indicators.plans import plan_load
from indicators.recompute import progress_recompute


def synthetic(catalogue):
    """A small next plan (2025-2030) on two of the first plan's tasks, with three targets of its own codes."""
    small = copy.deepcopy(catalogue)
    small["plan"] |= {
        "document_number": "测试〔2026〕1号",
        "slug": "synthetic",
        "baseline_year": 2025,
        "target_year": 2030,
    }
    small["tasks"] = small["tasks"][:2]
    codes = {task["code"] for task in small["tasks"]}
    small["indicators"] = [
        i | {"code": f"S_{i['code']}", "baseline_year": 2025, "target_year": 2030}
        for i in small["indicators"]
        if i["task"] in codes
    ][:3]
    return small


def exports(slug):
    printed = []
    for command in ("export_plan", "export_progress"):
        out = io.StringIO()
        call_command(command, "--plan", slug, stdout=out)
        printed.append(out.getvalue())
    return printed


@pytest.mark.django_db
def test_a_second_plan_leaves_the_first_byte_for_byte(plan, catalogue):
    demo_load(plan=plan)
    progress_recompute()
    before = exports("yingkou-14th")

    second = plan_load(catalogue=synthetic(catalogue))
    assert exports("yingkou-14th") == before
    plan_load(catalogue=synthetic(catalogue))  # and again
    assert exports("yingkou-14th") == before

    assert (second.status, Plan.objects.count()) == ("draft", 2)
    assert Indicator.objects.filter(task__plan=plan).count() == 41
    codes = list(Indicator.objects.filter(task__plan=second).values_list("code", flat=True))
    assert len(codes) == 3 and all(code.startswith("S_") for code in codes)
