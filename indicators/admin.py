from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .models import (
    Figure,
    Indicator,
    Plan,
    PlanEvent,
    Reminder,
    Result,
    Statistic,
    Task,
    TaskResponsibility,
    Upload,
)
from .plans import TransitionRefused, plan_transition
from .recompute import figures_changed


class PlanEventInline(admin.TabularInline):
    """The plan's moves from one state to the next: a record, never edited."""

    model = PlanEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "from_status", "to_status", "reason", "user"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "status",
        "document_number",
        "baseline_year",
        "target_year",
        "green_ratio",
        "jump_threshold",
        "report_due_month",
        "report_due_day",
    ]

    readonly_fields = ["status", "change_status"]
    inlines = [PlanEventInline]

    @admin.display(description=_("Change status"))
    def change_status(self, plan):
        target = plan.next_status() if plan.pk else None
        if target is None:
            return "—"
        url = reverse("admin:indicators_plan_transition", args=[plan.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, Plan.Status(target).label)

    def get_urls(self):
        transition = self.admin_site.admin_view(self.transition_view)
        return [path("<int:pk>/transition/", transition, name="indicators_plan_transition"), *super().get_urls()]

    def transition_view(self, request, pk):
        """Moves the plan to its next state with a reason; administrators only (permissions.can_unlock)."""
        plan = get_object_or_404(Plan, pk=pk)
        target = plan.next_status()
        if not permissions.can_unlock(request.user) or target is None:
            raise PermissionDenied
        form = TransitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                plan_transition(plan=plan, to=target, reason=form.cleaned_data["reason"], user=request.user)
            except TransitionRefused as refused:  # another administrator moved it meanwhile
                form.add_error(None, str(refused))
            else:
                messages.success(request, gettext("The plan is now %(status)s.") % {"status": target.label})
                return redirect("admin:indicators_plan_change", plan.pk)
        context = self.admin_site.each_context(request) | {
            "title": gettext("Change the plan's status"),
            "plan": plan,
            "target": target.label,
            "form": form,
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/indicators/plan/transition.html", context, status=status)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "green_ratio" in form.changed_data:  # every indicator without its own threshold
            figures_changed(indicator_ids=Indicator.objects.filter(task__plan=obj).values_list("pk", flat=True))


class TaskResponsibilityInline(admin.TabularInline):
    model = TaskResponsibility
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    search_fields = ["code", "title", "text"]
    inlines = [TaskResponsibilityInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "target_value", "unit", "target_year", "binding", "task", "statistic"]
    list_filter = ["plan", "kind", "binding", "by_region"]
    search_fields = ["code", "name", "name_en", "source_text"]
    list_select_related = ["task", "statistic"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        figures_changed(indicator_ids=[obj.pk])  # targets, thresholds or trajectory may have changed


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    """What is measured; created by loading a catalogue. Its name and unit may be corrected here."""

    list_display = ["code", "name", "unit", "by_region"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["code", "measures"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened or was computed: shown, never added, edited or deleted here. Figures change
    only through the workflow services (entry, review, unlock with a reason), which keep the audit trail
    and queue the recompute; the admin is not a way around them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Every field read-only, the history listed but never reverted: a correction is an unlock with a reason
    on the indicator's page, then a new revision through the review."""

    list_display = ["statistic", "region", "year", "measure", "stage", "value", "status", "revision", "updated_at"]
    list_filter = ["status", "stage", "year", "measure", "region"]
    search_fields = ["statistic__code", "statistic__name", "source", "note"]
    list_select_related = ["statistic", "region"]
    ordering = ["statistic__code", "region__position", "year"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed old version whatever the change permission says: only look.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    """Results are computed, never entered."""

    list_display = ["indicator", "region", "year", "status", "explanation", "computed_at"]
    list_filter = ["status", "rule", "year", "region"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "region"]
    ordering = ["indicator__position", "region__position", "year"]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ["filename", "user", "uploaded_at", "status", "size", "summary"]
    list_filter = ["status"]
    search_fields = ["filename", "user__username"]
    list_select_related = ["user"]
    exclude = ["data"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "user", "kind", "subject", "items"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["user"]
