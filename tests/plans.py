"""The plans the tests load: the root conftest's (fixtures/plan.toml, its pages under /plans/<slug>/) and a
small synthetic second one."""

import copy

SLUG = "yingkou-14th"
SECOND = "synthetic"


def synthetic(catalogue, slug=SECOND, number=1, years=(2025, 2030), **plan):
    """A small next plan (2025-2030) on the first plan's task 三（一）, which 市生态环境局 leads and 市住建局 does
    not, with two targets of its own codes, none broken down by region."""
    small = copy.deepcopy(catalogue)
    small["plan"] |= {
        "document_number": f"测试〔2026〕{number}号", "slug": slug, "name": f"测试方案{number}",
        "baseline_year": years[0], "target_year": years[1], **plan,
    }  # fmt: skip
    small["tasks"] = small["tasks"][:1]
    task = small["tasks"][0]["code"]
    small["indicators"] = [
        i | {"code": f"S{number}_{i['code']}", "baseline_year": years[0], "target_year": years[1]}
        for i in small["indicators"]
        if i["task"] == task
    ][:2]
    return small
