"""Who may do what. The one place that decides: every view, service and export asks here.

A user has one role (a Django group, see departments.roles) and belongs to one department or one region.
- clerk: enters and submits figures for the indicators their department leads or shares (city-wide
  figures), or, in a county-level government or development zone, their region's figures of the
  indicators broken down by region;
- head: what a clerk may, and approves or returns what their own unit's people submitted: their
  department's city-wide figures, or their region's figures;
- reviewer (统计局 / 发改委 staff): approves or returns submissions of every department;
- leader: reads everything, changes nothing;
- administrator: manages users and plan data, and unlocks approved years;
- audit administrator: reads and exports the security audit trail (/audit/), and nothing else. A superuser
  without that role may not: superusers are for the first set-up.
Nobody approves a figure they entered themselves: the plan asks for defence against falsified statistics.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from departments import roles
from departments.models import Department, Region

from .models import Figure, Indicator, Plan, TaskResponsibility

# When a user is in several role groups by mistake, the most powerful one counts.
PRECEDENCE = (
    roles.ADMINISTRATOR,
    roles.SECURITY_ADMINISTRATOR,
    roles.AUDIT_ADMINISTRATOR,
    roles.REVIEWER,
    roles.HEAD,
    roles.CLERK,
    roles.LEADER,
)
ENTERING = {roles.CLERK, roles.HEAD}
REVIEWING = {roles.HEAD, roles.REVIEWER}
SEEING_ALL_UNITS = {roles.LEADER, roles.REVIEWER, roles.ADMINISTRATOR}


def role_of(user):
    """The user's role, or None (no role: may not use the application). Cached on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._role = next((name for name in PRECEDENCE if name in names), None)
        if user._role is None and user.is_superuser:
            user._role = roles.ADMINISTRATOR
    return user._role


def has_role(user):
    """Any role at all: the landing page sends each to its work."""
    return role_of(user) is not None


def can_read(user):
    """Every role that works with the plans reads their pages; the security and audit administrators do not
    (separated duties: they see accounts and the audit trail, not the city's figures)."""
    return role_of(user) in roles.BUSINESS


def can_manage_users(user):
    """The system administrator: users (not their roles), departments, regions and plan data."""
    return user.is_active and (user.is_superuser or role_of(user) == roles.ADMINISTRATOR)


def can_manage_security(user):
    """The security administrator: roles, lockouts, second factors and the password policy."""
    return user.is_active and (user.is_superuser or role_of(user) == roles.SECURITY_ADMINISTRATOR)


def can_audit(user):
    """The audit administrator reads and exports the audit trail. Not the first set-up's superuser: the
    trail is no one else's to read."""
    return role_of(user) == roles.AUDIT_ADMINISTRATOR


def readable_plans(user):
    """The plans a user may see, as a queryset (one query to list them, whatever their number). A draft is
    for administrators only; leaders, reviewers and administrators see every other plan; a department's
    people a plan with a task their department leads or shares; a region's people a plan with an indicator
    broken down by region. can_read_plan decides the same for one plan."""
    role = role_of(user)
    if role not in roles.BUSINESS:
        return Plan.objects.none()
    if role == roles.ADMINISTRATOR:
        return Plan.objects.all()
    shown = Plan.objects.exclude(status=Plan.Status.DRAFT)
    if role in SEEING_ALL_UNITS:
        return shown
    if user.department_id:
        tasks = TaskResponsibility.objects.filter(task__plan=OuterRef("pk"), department_id=user.department_id)
        return shown.filter(Exists(tasks))
    if user.region_id:
        return shown.filter(Exists(Indicator.objects.filter(task__plan=OuterRef("pk"), by_region=True)))
    return Plan.objects.none()


def can_read_plan(user, plan):
    """Whether the user may open the pages of `plan` (the rules of readable_plans): at most one query."""
    role = role_of(user)
    if role not in roles.BUSINESS:
        return False
    if plan.status == Plan.Status.DRAFT:
        return role == roles.ADMINISTRATOR
    if role in SEEING_ALL_UNITS:
        return True
    if user.department_id:
        return TaskResponsibility.objects.filter(task__plan=plan, department_id=user.department_id).exists()
    if user.region_id:
        return Indicator.objects.filter(task__plan=plan, by_region=True).exists()
    return False


def is_read_only(plan):
    """A closed plan's final assessment is published: nothing of it is written any more from its pages."""
    return plan.status == Plan.Status.CLOSED


def can_enter_any(user):
    return role_of(user) in ENTERING and bool(user.department_id or user.region_id)


def can_review_any(user):
    return role_of(user) in REVIEWING


def can_unlock(user):
    return role_of(user) == roles.ADMINISTRATOR


def can_load_catalogue(user):
    """Administrators load a plan's catalogue, or a new version of it, in the admin."""
    return role_of(user) == roles.ADMINISTRATOR


def sees_all_units(user):
    """Leaders, reviewers and administrators see every department's completeness; others their own."""
    return role_of(user) in SEEING_ALL_UNITS


@dataclass(frozen=True)
class EntryScope:
    """What a user may enter: the figures of these statistics, for this region (None = city-wide figures)."""

    statistic_ids: frozenset
    region_id: int | None

    def allows(self, statistic_id, region_id):
        return statistic_id in self.statistic_ids and region_id == self.region_id


def enterable_indicators(user):
    if not can_enter_any(user):
        return Indicator.objects.none()
    # Figures are entered for active plans only: a draft is not in use yet, a closed plan is read-only.
    active = Indicator.objects.filter(task__plan__status=Plan.Status.ACTIVE)
    if user.department_id:
        return active.filter(task__in=user.department.tasks.values("pk"))
    return active.filter(by_region=True)


def entry_scope(user):
    """A statistic is the user's to enter when an active plan's target reading it is: entered once, for all."""
    ids = frozenset(enterable_indicators(user).values_list("statistic_id", flat=True))
    return EntryScope(statistic_ids=ids, region_id=None if user.department_id else user.region_id)


def can_enter(user, indicator, region_id):
    return entry_scope(user).allows(indicator.statistic_id, region_id)


def awaiting_approval(unit):
    """The submissions a unit's head approves: what the unit's own people entered. For a department,
    its city-wide figures (no region) of the tasks it leads or shares; for a region, that region's figures.
    A figure entered by another unit's clerk on a shared task is that unit's head's to approve."""
    submitted = Figure.objects.filter(status=Figure.Status.SUBMITTED)
    if isinstance(unit, Department):
        return submitted.filter(
            region__isnull=True,
            entered_by__department=unit,
            statistic__in=Indicator.objects.filter(task__in=unit.tasks.all(), plan__status=Plan.Status.ACTIVE).values(
                "statistic_id"
            ),
        )
    if isinstance(unit, Region):
        return submitted.filter(region=unit, entered_by__region=unit)
    return Figure.objects.none()


def reviewable_figures(user):
    """Submitted figures this user may approve or return: a head those of their own unit, the statistics
    reviewer every one; nobody their own."""
    role = role_of(user)
    if role == roles.REVIEWER:
        queryset = Figure.objects.filter(status=Figure.Status.SUBMITTED)
    elif role == roles.HEAD:
        queryset = awaiting_approval(user.department or user.region)
    else:
        return Figure.objects.none()
    return queryset.exclude(entered_by=user)


def can_review(user, figure):
    return reviewable_figures(user).filter(pk=figure.pk).exists()


def can_recompute(user):
    """Administrators may start a full recompute by hand (the nightly one runs anyway)."""
    return role_of(user) == roles.ADMINISTRATOR


def can_see_unit(user, unit):
    """A department's or region's page: its own people, and those who see every unit."""
    if not can_read(user):
        return False
    if sees_all_units(user):
        return True
    if isinstance(unit, Department):
        return unit.pk == user.department_id
    return isinstance(unit, Region) and unit.pk == user.region_id


def can_write_reports(user, department, plan):
    """A department's clerks and head write its progress reports (on the tasks it leads or shares), while the
    plan is not closed."""
    return role_of(user) in ENTERING and user.department_id == department.pk and not is_read_only(plan)


def can_write_report(user, task, department):
    return (
        can_write_reports(user, department, task.plan) and task.responsibilities.filter(department=department).exists()
    )
