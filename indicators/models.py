"""What the plan asks for: the plan, its tasks, its indicators, and the yearly figures entered against them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import BilingualName, Department, Region, localized

from . import kinds, plausibility, progress, schedule
from .formatting import number


class PlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Plan.Status.ACTIVE)

    def current(self):
        """The plan pages and jobs use until they name one: the latest active plan (None if none is active)."""
        return self.active().order_by("-baseline_year", "-adopted_on", "-pk").first()


class Plan(BilingualName, models.Model):
    class Status(models.TextChoices):
        # draft: loaded, seen by administrators only; active: entered, reminded and shown; closed: its final
        # assessment is published, read-only. An administrator moves it forward (plans.plan_transition).
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"), max_length=50, unique=True, help_text=_("Names the plan in addresses and commands.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # An illustrative catalogue (not an official document): every page of it says so.
    fictional = models.BooleanField(_("illustrative, not an official plan"), default=False)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, unique=True)
    adopted_on = models.DateField(_("adopted on"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    # Set by `load_demo`: every page then says the figures are illustrative, not official statistics.
    has_demo_data = models.BooleanField(_("contains demo data"), default=False)
    # The traffic light's threshold: green when achieved >= expected x green_ratio. An indicator may override it.
    green_ratio = models.DecimalField(
        _("green threshold"),
        max_digits=4,
        decimal_places=3,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("On schedule (green) when the achieved share reaches this multiple of the expected share."),
    )
    # Figures for a year are due on this day of the following year (the plan's default: 31 March).
    report_due_month = models.PositiveSmallIntegerField(
        _("reporting deadline: month"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("reporting deadline: day"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    # Plausibility checks at submission (plan 四(八): defence against falsified statistics).
    jump_threshold = models.DecimalField(
        _("year-on-year jump threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.3"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("A change from last year larger than this share (0.3 = ±30%) is flagged for the reviewer."),
    )
    final_tolerance = models.DecimalField(
        _("final against preliminary tolerance"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.1"),
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("A final figure further than this share from its preliminary figure is flagged."),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gt=models.F("baseline_year")), name="plan_target_after_baseline"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.document_number}）"

    def clean(self):
        try:
            schedule.report_deadline(self.baseline_year or 2020, self.report_due_month, self.report_due_day)
        except ValueError:
            raise ValidationError({"report_due_day": _("This day does not exist in that month.")}) from None

    def report_deadline(self, year):
        """The day the figures for `year` are due."""
        return schedule.report_deadline(year, self.report_due_month, self.report_due_day)

    def next_status(self):
        """The state an administrator may move the plan to, or None: plans only move forward."""
        order = list(self.Status)
        index = order.index(self.status)
        return order[index + 1] if index + 1 < len(order) else None


class PlanEvent(models.Model):
    """A move of a plan from one state to the next: who, when, and why (kept for the assessment's record)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=10, choices=Plan.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Plan.Status.choices)
    reason = models.TextField(_("reason"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan.slug}: {self.from_status} → {self.to_status}"


class TaskQuerySet(models.QuerySet):
    def for_overview(self):
        """Tasks in plan order with their departments and indicators: a fixed number of queries."""
        responsibilities = TaskResponsibility.objects.select_related("department").order_by("position")
        return self.order_by("position").prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position")),
        )


class Task(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("code"), max_length=20, help_text=_("The plan's section number, e.g. 三（五）."))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    text = models.TextField(_("full text"))
    responsibility_text = models.TextField(_("responsibility as written in the plan"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    departments = models.ManyToManyField(
        Department, through="TaskResponsibility", verbose_name=_("departments"), related_name="tasks"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def display_title(self):
        return localized(self.title, self.title_en)

    # Both read the prefetched `responsibilities` when present, so templates cause no extra query.
    @property
    def lead_departments(self):
        return [r.department for r in self.responsibilities.all() if r.role == TaskResponsibility.Role.LEAD]

    @property
    def cooperating_departments(self):
        return [r.department for r in self.responsibilities.all() if r.role == TaskResponsibility.Role.COOPERATING]


class TaskResponsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (牵头)")
        COOPERATING = "cooperating", _("Cooperating (按职责分工负责)")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="responsibilities")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order as listed in the plan."))

    class Meta:
        ordering = ["task_id", "position"]  # the column, not a join to Task
        verbose_name = _("task responsibility")
        verbose_name_plural = _("task responsibilities")
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="responsibility_once_per_task")]

    def __str__(self):
        return f"{self.task.code} {self.department} ({self.get_role_display()})"


class Statistic(BilingualName, models.Model):
    """What is measured: a fact about the city (e.g. energy use per unit of GDP), for the city and, when
    `by_region`, for each region. Its figures are entered once; every plan whose target reads it counts them
    (the 2025 figure is one plan's last year and the next plan's baseline)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=50, blank=True)
    by_region = models.BooleanField(_("broken down by region"), default=False)
    # The measures its figures take (kinds.ALL_MEASURES): the union of what the targets reading it accept.
    measures = models.JSONField(_("measures"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def display_unit(self):
        return localized(self.unit, self.unit_en)

    def reporting_years(self):
        """The years its figures may be entered for: those of every target that reads it (see
        Indicator.reporting_years); none when no target reads it."""
        span = self.targets.aggregate(
            first=models.Min("baseline_year"), last=models.Max(Greatest("target_year", "plan__target_year"))
        )
        return range(span["first"], span["last"] + 1) if span["first"] is not None else range(0)

    @classmethod
    def read_by(cls, target, code=None):
        """The statistic of `code` (by default the target's own code) for `target` to read, created or
        widened so that it takes every measure the target's kind accepts and is by region when the target is."""
        code = code or target.code
        fields = {key: getattr(target, key) for key in ("name", "name_en", "unit", "unit_en", "by_region")}
        statistic, _ = cls.objects.get_or_create(code=code, defaults=fields)
        wanted = kinds.measures(target.kind, components=target.energy_components)
        missing = [m for m in wanted if m not in statistic.measures]
        if missing or (target.by_region and not statistic.by_region):
            statistic.measures = [*statistic.measures, *missing]
            statistic.by_region = statistic.by_region or target.by_region
            statistic.save(update_fields=["measures", "by_region"])
        return statistic


class Indicator(BilingualName, models.Model):
    class Kind(models.TextChoices):
        RELATIVE_REDUCTION = kinds.RELATIVE_REDUCTION, _("Relative reduction against the baseline")
        CUMULATIVE_TOTAL = kinds.CUMULATIVE_TOTAL, _("Cumulative total over the period")
        AT_LEAST = kinds.AT_LEAST, _("Level of at least")
        AT_MOST = kinds.AT_MOST, _("Level of at most")
        POINT_REDUCTION = kinds.POINT_REDUCTION, _("Reduction in percentage points")
        MILESTONE = kinds.MILESTONE, _("Milestone")

    # A plan's target. Its code is unique within its plan; a next plan may reuse it.
    code = models.CharField(_("code"), max_length=40)
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="indicators")
    # The task's plan, kept here for the per-plan unique code (save() keeps it equal to task.plan).
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators", editable=False
    )
    # What the target reads: figures are entered against the statistic, once for every plan.
    statistic = models.ForeignKey(
        Statistic, verbose_name=_("statistic"), on_delete=models.PROTECT, related_name="targets", editable=False
    )
    section = models.CharField(_("plan section"), max_length=20, help_text=_("Where the plan states it, e.g. 二."))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=20, decimal_places=6, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=6)
    binding = models.BooleanField(_("binding (约束性)"), default=False)
    by_region = models.BooleanField(_("broken down by region"), default=False)
    strict = models.BooleanField(
        _("strict comparison"), default=False, help_text=_("The plan says 超过 / 低于 rather than 以上 / 不超过.")
    )
    energy_components = models.BooleanField(
        _("takes energy components"),
        default=False,
        help_text=_("Total energy use, feedstock energy and GDP may be entered instead of the intensity."),
    )
    green_ratio = models.DecimalField(
        _("green threshold"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Overrides the plan's threshold for this indicator when set."),
    )
    trajectory = models.JSONField(
        _("yearly trajectory"),
        default=dict,
        blank=True,
        help_text=_(
            'Expected cumulative progress by year in the target\'s own terms, e.g. {"2021": 3.0} for a fall of '
            "3 percent since the baseline year; replaces the default schedule for those years."
        ),
    )
    source_text = models.TextField(_("plan text"))
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gt=models.F("baseline_year")), name="indicator_target_after_baseline"
            ),
            models.CheckConstraint(condition=Q(kind__in=list(kinds.MEASURES_BY_KIND)), name="indicator_kind_valid"),
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.plan_id = self.task.plan_id
        if self.statistic_id is None:
            self.statistic = Statistic.read_by(self)
        super().save(*args, **kwargs)

    def clean(self):
        # The trajectory is typed in by hand in the admin: refuse what the engine could not read.
        if not isinstance(self.trajectory, dict):
            raise ValidationError({"trajectory": _('Enter an object of years and values, e.g. {"2021": 3.0}.')})
        for year, value in self.trajectory.items():
            if not (str(year).isdigit() and self.baseline_year < int(year) <= self.target_year):
                raise ValidationError(
                    {
                        "trajectory": _("Trajectory years must lie after %(start)s and up to %(end)s.")
                        % {"start": self.baseline_year, "end": self.target_year}
                    }
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError({"trajectory": _("Trajectory values must be numbers.")})

    @property
    def display_unit(self):
        return localized(self.unit, self.unit_en)

    @property
    def reporting_years(self):
        """The years figures may be entered for: from the baseline to the plan's end (a milestone due
        in 2023 may still be reported done in 2024, and that late completion is what pages must show)."""
        return range(self.baseline_year, max(self.target_year, self.task.plan.target_year) + 1)

    @property
    def target_label(self):
        """The target in words, e.g. 比2020年下降15.5% or ≥ 80%."""
        value, unit = number(self.target_value), self.display_unit
        kind = kinds.kind(self.kind)
        if kind.target_sentence:
            year = self.baseline_year if kind.target_sentence_year == "baseline" else self.target_year
            return gettext(kind.target_sentence) % {"value": value, "unit": unit, "year": year}
        bound = (">" if self.strict else "≥") if kind.upward else ("<" if self.strict else "≤")
        return f"{bound} {value}{'%' if unit == '%' else ''}"

    # An indicator is the responsibility of the departments of its task: the plan assigns them per task.
    @property
    def lead_departments(self):
        return self.task.lead_departments

    @property
    def cooperating_departments(self):
        return self.task.cooperating_departments


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Figure(models.Model):
    """One yearly value of a statistic, city-wide (no region) or for one region: entered once, read by every
    plan whose target reads the statistic."""

    class Measure(models.TextChoices):
        LEVEL = kinds.LEVEL, _("Level")
        CHANGE_RATE = kinds.CHANGE_RATE, _("Year-on-year change (%)")
        AMOUNT = kinds.AMOUNT, _("Amount for the year")
        PERCENT_COMPLETE = kinds.PERCENT_COMPLETE, _("Percent complete")
        ENERGY_TOTAL = kinds.ENERGY_TOTAL, _("Total energy use")
        FEEDSTOCK = kinds.FEEDSTOCK, _("Feedstock energy (原料用能)")
        GDP = kinds.GDP, _("GDP at constant 2020 prices")
        RENEWABLE = kinds.RENEWABLE, _("New renewable electricity since 2020")

    class Stage(models.TextChoices):
        PRELIMINARY = kinds.PRELIMINARY, _("Preliminary")
        FINAL = kinds.FINAL, _("Final")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    statistic = models.ForeignKey(
        Statistic, verbose_name=_("statistic"), on_delete=models.PROTECT, related_name="figures"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_("Empty for the whole city."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.FINAL)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_figures",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_figures",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("The submitter's comment for the reviewer."))
    return_reason = models.TextField(_("reason for return"), blank=True)
    # Plausibility findings at submission, as [{"code", "measure", "params"}]; see indicators.plausibility.
    flags = models.JSONField(_("plausibility flags"), default=list, blank=True)

    # Every change is kept (who, when, old -> new, why): the plan asks for defence against falsified statistics.
    history = HistoricalRecords(excluded_fields=["updated_at"], history_change_reason_field=models.TextField(null=True))

    class Meta:
        # No default ordering: bulk reads of figures (the progress engine) must not pay for a sort or join.
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            # One figure per statistic, region (or city), year, measure and stage: a new value is a revision.
            # Two constraints because NULL regions are never equal to each other in a unique index.
            models.UniqueConstraint(
                fields=["statistic", "year", "measure", "stage"],
                condition=Q(region__isnull=True),
                name="figure_unique_city",
            ),
            models.UniqueConstraint(
                fields=["statistic", "region", "year", "measure", "stage"],
                condition=Q(region__isnull=False),
                name="figure_unique_region",
            ),
            models.CheckConstraint(
                condition=~Q(measure=kinds.PERCENT_COMPLETE) | Q(value__gte=0, value__lte=100),
                name="figure_percent_complete_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "returned"]), name="figure_status_valid"
            ),
            models.CheckConstraint(condition=Q(stage__in=list(kinds.STAGES)), name="figure_stage_valid"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "全市"
        return f"{self.statistic.code} {where} {self.year}: {self.value}"

    @property
    def is_locked(self):
        """An approved figure is locked: changing it needs an administrator to unlock its year."""
        return self.status == self.Status.APPROVED

    @property
    def flag_texts(self):
        return [plausibility.flag_text(flag, gettext) for flag in self.flags]

    @property
    def version(self):
        """What a reviewer saw, as an integer (microseconds since 1970): it changes on every save, of the
        value, status, note or anything else, since updated_at is auto_now (the bulk import sets it too)."""
        return (self.updated_at - EPOCH) // timedelta(microseconds=1)

    def clean(self):
        statistic = self.statistic
        years = statistic.reporting_years()
        if self.year is not None and self.year not in years:
            raise ValidationError(
                {"year": _("The year must lie between %(start)s and %(end)s.") % {"start": years[0], "end": years[-1]}}
            )
        if self.measure and self.measure not in statistic.measures:
            raise ValidationError({"value": _("This measure does not fit the indicator's kind.")})
        if self.value is not None and self.measure:
            problem = kinds.measure_value_problem(unit=statistic.unit, measure=self.measure, value=self.value)
            if problem:
                raise ValidationError({"value": gettext(problem)})


class Result(models.Model):
    """An indicator's progress for one year, city-wide or for one region, as the engine computed it.

    Written only by `progress_recompute`; the inputs and the rule that fired are kept so a page can say
    why a light is red."""

    class Status(models.TextChoices):
        GREEN = progress.GREEN, _("On track")
        YELLOW = progress.YELLOW, _("Behind schedule")
        RED = progress.RED, _("Off track")
        GREY = progress.GREY, _("No data")

    # Results are derived data, rewritten in bulk by every recompute: no database foreign-key checks
    # (deferred checks cost more than the write itself at national scale; Django still cascades
    # deletes) and no index of their own (the unique index below leads with the indicator).
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rule = models.CharField(_("rule"), max_length=30)
    source = models.CharField(_("computed from"), max_length=30, blank=True)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    previous = models.FloatField(_("previous year with data"), null=True, blank=True)
    current = models.FloatField(_("this year's figure"), null=True, blank=True)
    value = models.FloatField(_("progress in the target's terms"), null=True, blank=True)
    achieved = models.FloatField(_("achieved share"), null=True, blank=True)
    expected = models.FloatField(_("expected share"), null=True, blank=True)
    required_per_year = models.FloatField(_("required per year"), null=True, blank=True)
    projected = models.FloatField(_("projected at the target year"), null=True, blank=True)
    inputs = models.JSONField(_("further inputs"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            # One result per indicator, region (0 = the city) and year, in one index.
            models.UniqueConstraint(
                F("indicator"), Coalesce(F("region"), Value(0)), F("year"), name="result_unique_series_year"
            ),
            models.CheckConstraint(condition=Q(status__in=list(progress.STATUSES)), name="result_status_valid"),
        ]
        indexes = [
            # The overview counts and ranks one year's city-wide statuses: a small index of those rows only.
            models.Index(
                fields=["year", "status", "indicator"], condition=Q(region__isnull=True), name="result_city_year"
            )
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "全市"
        return f"{self.indicator.code} {where} {self.year}: {self.status}"

    SOURCES = {
        progress.FROM_LEVELS: _("levels"),
        progress.FROM_RATES: _("year-on-year changes"),
        progress.FROM_COMPONENTS: _("energy use and GDP"),
        progress.FROM_AMOUNTS: _("yearly amounts"),
        progress.FROM_REGION_SUM: _("sum of the regions"),
        progress.FROM_PERCENT: _("percent complete"),
    }

    @property
    def source_label(self):
        return self.SOURCES.get(self.source, self.source)

    @property
    def explanation(self):
        """The rule that fired, in the user's language, with its inputs filled in."""
        params = {
            "achieved": "—" if self.achieved is None else f"{100 * self.achieved:.1f}",
            "expected": "—" if self.expected is None else f"{100 * self.expected:.1f}",
        }
        return gettext(progress.RULE_MESSAGES[self.rule]) % params


class Upload(models.Model):
    """A figures file as it was uploaded in the browser: kept with its outcome, so what was imported can be
    traced back to the file and the person (plan 四(八))."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Awaiting confirmation")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="uploads"
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file content"))
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The file is parsed once, when it arrives (parsing.rows_to_json / problems_to_json): preview and confirm
    # use these, never the bytes again. Dropped with the bytes by uploads_clean after UPLOAD_KEEP_DAYS.
    rows = models.JSONField(_("parsed rows"), default=list, blank=True)
    problems = models.JSONField(_("problems found"), default=list, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self):
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class Reminder(models.Model):
    """One reminder e-mail sent: at most one of each kind per person and day, however often the job runs."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Figures due")
        REVIEW = "review", _("Submissions waiting for review")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    subject = models.CharField(_("subject"), max_length=200)
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "sent_on"], name="reminder_once_a_day")]

    def __str__(self):
        return f"{self.user} {self.kind} {self.sent_on}"


class RecomputeRun(models.Model):
    """One recompute of results, from queued to done: pages say when their results were computed, from
    which approved figures, and that a recompute is running (with its progress) until it ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        # Closed by a newer finished run that recomputed every indicator this one was for.
        SUPERSEDED = "superseded", _("Superseded")

    OPEN = (Status.QUEUED, Status.RUNNING)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The plan whose indicators it recomputes; empty for every plan (the nightly recompute).
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, null=True, blank=True, related_name="recompute_runs"
    )
    whole_plan = models.BooleanField(_("all indicators"), default=False)
    # The indicators of a partial run, so a newer run covering them all can close it (None: every one).
    indicator_ids = models.JSONField(_("indicators"), null=True, blank=True)
    # The Celery task of a run that was not recorded before it was queued (nightly, command line), so a
    # redelivered message resumes its run instead of starting another.
    task_id = models.CharField(_("task id"), max_length=50, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Queued, started and every finished batch: an open run silent for longer than
    # settings.RECOMPUTE_RUN_TIMEOUT lost its message or its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    total = models.PositiveIntegerField(_("indicators to compute"), default=0)
    done = models.PositiveIntegerField(_("indicators computed"), default=0)
    results = models.PositiveIntegerField(_("results written"), default=0)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the results stood on once the run ended: every approved figure up to this approval.
    approved_figures = models.PositiveIntegerField(_("approved figures"), null=True, blank=True)
    last_approved_at = models.DateTimeField(_("latest approval"), null=True, blank=True)
    latest_year = models.PositiveSmallIntegerField(_("latest year with results"), null=True, blank=True)
    # The same per plan, {plan id: year}: a plan's pages open on its own latest year.
    latest_years = models.JSONField(_("latest year with results, per plan"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        indexes = [models.Index(fields=["status", "-finished_at"], name="recomputerun_status_finished")]

    def __str__(self):
        return f"{self.queued_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


class PendingRecompute(models.Model):
    """An indicator whose approved figures (or definition) changed and whose results do not count the
    change yet. Written in the transaction that makes the change, deleted by the recompute that reads
    it; whatever is left behind (broker down, worker lost) the periodic `recompute_stale` job recomputes."""

    # No database foreign key, like Result: inserting here must not lock the indicator row that a
    # running recompute holds, which would make an approval wait for the recompute.
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending recompute")
        verbose_name_plural = _("pending recomputes")

    def __str__(self):
        return f"{self.indicator_id} {self.created_at:%Y-%m-%d %H:%M}"


class ProgressReport(models.Model):
    """A department's written account of a task for a year (what was done, what is late and why), read by
    leadership beside the figures and in the annual assessment report."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("progress report"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "year"], name="progress_report_once_a_year")
        ]

    def __str__(self):
        return f"{self.task.code} {self.department} {self.year}"
