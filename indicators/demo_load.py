"""Loading the demo: users for every role, illustrative figures (indicators.demo) for the 14th plan, and the
illustrative next plan beside it. Not official statistics: every page of these plans says so."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from departments import roles
from departments.models import Department, Region
from departments.services import roles_ensure, user_upsert

from . import kinds
from .catalogue import NEXT_PLAN_PATH, read_catalogue
from .demo import demo_rows
from .models import Figure, Indicator, Plan
from .plans import plan_load, plan_transition
from .recompute import figures_changed


@transaction.atomic
def demo_plans_load(*, first):
    """The demo: `first` (the 14th plan, loaded) in use with illustrative figures and users, beside the
    illustrative next plan (fixtures/plan-next.toml, marked fictional), also in use, whose targets read some
    of the same statistics. Returns the plans and the demo users."""
    users = demo_load(plan=first)
    following = plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))
    for plan in (first, following):
        if plan.status == Plan.Status.DRAFT:  # the demo shows both plans in use
            plan_transition(plan=plan, to=Plan.Status.ACTIVE, reason="Demo data loaded.", user=None)
    # The next plan's targets read some of the demo figures: its pages say they are illustrative too, and its
    # results are computed now (a live server's periodic catch-up would within minutes).
    Plan.objects.filter(pk=following.pk).update(has_demo_data=True)
    figures_changed(indicator_ids=following.indicators.values_list("pk", flat=True))
    return [first, following], users


DEMO_SOURCE = "演示数据（非官方统计）"
DEMO_PASSWORD = "demo-2025"
# (username, role, department, region, first name): one person per role, see README.md.
DEMO_USERS = [
    ("clerk", roles.CLERK, "市生态环境局", None, "生态环境局填报员"),
    ("colleague", roles.CLERK, "市生态环境局", None, "生态环境局填报员二"),
    ("head", roles.HEAD, "市发改委（市能源局）", None, "发改委负责人"),
    ("reviewer", roles.REVIEWER, "市统计局", None, "统计局审核员"),
    ("region_clerk", roles.CLERK, None, "鲅鱼圈区", "鲅鱼圈区填报员"),
    ("leader", roles.LEADER, None, None, "市领导"),
    ("admin", roles.ADMINISTRATOR, None, None, "系统管理员"),
    ("security", roles.SECURITY_ADMINISTRATOR, None, None, "安全管理员"),
    ("auditor", roles.AUDIT_ADMINISTRATOR, None, None, "审计管理员"),
]


@transaction.atomic
def demo_load(*, plan):
    """Demo users for every role and illustrative figures for 2020–2024, all approved.

    Replaces only earlier demo figures; a figure entered for real is never overwritten.
    Returns the users created, for the command to print their logins."""
    roles_ensure()
    users = [
        user_upsert(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first_name,
            department=Department.objects.get(name=department) if department else None,
            region=Region.objects.get(name=region) if region else None,
            is_staff=role in roles.ADMINISTRATORS,
            is_superuser=False,  # separated duties: a superuser is for the first set-up only
            # Demo logins share a published password: exempt from its expiry and from the change at first
            # sign-in (the administrators and the reviewer still set up a second factor).
            password_policy_exempt=True,
        )
        for username, role, department, region, first_name in DEMO_USERS
    ]
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan).select_related("statistic")}
    statistics = {i.statistic_id for i in indicators.values()}
    regions = {r.name: r for r in Region.objects.exclude(kind=Region.Kind.DEVELOPMENT_ZONE)}
    Figure.objects.filter(statistic__in=statistics, source=DEMO_SOURCE).delete()
    code_of = {i.statistic_id: i.code for i in indicators.values()}
    taken = {
        (code_of[statistic_id], region, year, measure)
        for statistic_id, region, year, measure in Figure.objects.filter(
            statistic__in=statistics, stage=Figure.Stage.FINAL
        ).values_list("statistic_id", "region__name", "year", "measure")
    }
    rows = demo_rows(
        [
            {
                "code": i.code,
                "kind": i.kind,
                "target_value": i.target_value,
                "target_year": i.target_year,
                "by_region": i.by_region,
            }
            for i in indicators.values()
        ],
        list(regions),
    )
    by_username = {user.username: user for user in users}
    # Entered by the 生态环境局 clerk, approved by the 统计局 reviewer, who approves across departments.
    entered_by, reviewed_by, now = by_username["clerk"], by_username["reviewer"], timezone.now()
    bulk_create_with_history(
        [
            Figure(
                statistic_id=indicators[code].statistic_id,
                region=regions[region] if region else None,
                year=year,
                measure=measure,
                value=value,
                status=Figure.Status.APPROVED,
                source=DEMO_SOURCE,
                entered_by=entered_by,
                reviewed_by=reviewed_by,
                reviewed_at=now,
            )
            for code, region, year, measure, value in rows
            if (code, region, year, measure) not in taken
        ],
        Figure,
        default_user=entered_by,
        default_change_reason="load_demo",
    )
    _demo_submissions(indicators, by_username, taken)
    plan.has_demo_data = True
    plan.save(update_fields=["has_demo_data"])
    figures_changed(statistic_ids=statistics)
    return users


# Figures of the year being collected, waiting in the review queue:
# (indicator, region, measure, change on 2024, entered by).
DEMO_SUBMISSIONS = [
    ("COD", "鲅鱼圈区", kinds.AMOUNT, Decimal("1.05"), "region_clerk"),
    ("STRAW_USE", None, kinds.LEVEL, Decimal("1.01"), "clerk"),
]


def _demo_submissions(indicators, users, taken):
    """A few 2025 figures submitted by demo clerks, so the review pages have something to show."""
    now = timezone.now()
    for code, region, measure, factor, username in DEMO_SUBMISSIONS:
        last = Figure.objects.filter(
            statistic=indicators[code].statistic_id,
            region__name=region,
            year=2024,
            measure=measure,
            status=Figure.Status.APPROVED,
        ).first()
        if last is None or (code, region, 2025, measure) in taken:
            continue
        value = (last.value * factor).quantize(Decimal("0.1"))
        figure = Figure(
            statistic_id=indicators[code].statistic_id,
            region=last.region,
            year=2025,
            measure=measure,
            value=min(value, Decimal(100)) if measure == kinds.LEVEL else value,
            status=Figure.Status.SUBMITTED,
            source=DEMO_SOURCE,
            entered_by=users[username],
            submitted_at=now,
            note="演示：2025年初步汇总",
        )
        figure._history_user, figure._change_reason = users[username], "load_demo"
        figure.save()
