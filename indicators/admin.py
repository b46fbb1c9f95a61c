import hashlib

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

from yingkou_targets.admin_site import SystemAdmin, SystemInline

from . import permissions
from .catalogue import CatalogueError, parse_catalogue
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
from .plans import ReplaceRefused, StalePreview, TransitionRefused, plan_preview, plan_replace, plan_transition
from .recompute import figures_changed


class PlanEventInline(SystemInline):
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


# A catalogue file is a few dozen KB (fixtures/plan.toml: 53 KB); the upload waits in the session until confirmed.
MAX_CATALOGUE_BYTES = 1024 * 1024
UPLOAD_SESSION_KEY = "indicators.catalogue_upload"


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (TOML)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".toml"):
            raise forms.ValidationError(_("Upload a catalogue in TOML format (a .toml file)."))
        if file.size > MAX_CATALOGUE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; a catalogue is much smaller."))
        return file


class CatalogueConfirmForm(forms.Form):
    """What the preview page showed: the uploaded text's digest and the plan's fingerprint; a confirmation
    given on another text or an older plan is refused."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm_removals = forms.BooleanField(
        label=_("Remove these targets and tasks. The figures of their statistics are kept."), required=False
    )


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _problem_rows(problems):
    """A catalogue's problems in the site's language, each with its line and field."""
    rows = []
    for problem in problems:
        text = gettext(problem.message) % dict(problem.params) if problem.params else gettext(problem.message)
        rows.append({"line": problem.line, "field": problem.field, "text": text})
    return rows


@admin.register(Plan)
class PlanAdmin(SystemAdmin):
    change_list_template = "admin/indicators/plan/change_list.html"
    change_form_template = "admin/indicators/plan/change_form.html"
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
        upload = self.admin_site.admin_view(self.upload_view)
        preview = self.admin_site.admin_view(self.upload_preview_view)
        return [
            path("<int:pk>/transition/", transition, name="indicators_plan_transition"),
            path("upload/", upload, name="indicators_plan_upload"),
            path("upload/preview/", preview, name="indicators_plan_upload_preview"),
            path("<int:pk>/upload/", upload, name="indicators_plan_upload_version"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"can_load_catalogue": permissions.can_load_catalogue(request.user)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = (extra_context or {}) | {"can_load_catalogue": permissions.can_load_catalogue(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def upload_view(self, request, pk=None):
        """A catalogue file, checked and compared: a new plan's (from the list; a file of a loaded plan's
        document number is that plan's new version) or a new version of this plan's. Nothing is saved here:
        the file waits in the session for the preview page's confirmation. Administrators only."""
        plan = get_object_or_404(Plan, pk=pk) if pk is not None else None
        if not permissions.can_load_catalogue(request.user) or (plan and plan.status == Plan.Status.CLOSED):
            raise PermissionDenied
        form = CatalogueUploadForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_CATALOGUE_BYTES + 1)
            try:
                catalogue = parse_catalogue(data)
            except CatalogueError as error:
                problems = _problem_rows(error.problems)
            else:
                number = catalogue["plan"]["document_number"]
                target = plan or Plan.objects.filter(document_number=number).first()
                try:
                    plan_preview(catalogue=catalogue, plan=target)
                except ReplaceRefused as refused:
                    form.add_error(None, str(refused))
                else:
                    request.session[UPLOAD_SESSION_KEY] = {
                        "text": data.decode("utf-8-sig"),  # parse_catalogue read it so: UTF-8
                        "name": upload.name[:200],
                        "plan": target.pk if target else None,
                    }
                    return redirect("admin:indicators_plan_upload_preview")
        context = self.admin_site.each_context(request) | {
            "title": gettext("Upload a new version of the catalogue") if plan else gettext("Upload a catalogue"),
            "plan": plan,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        status = 400 if form.errors or problems else 200
        return TemplateResponse(request, "admin/indicators/plan/upload.html", context, status=status)

    def upload_preview_view(self, request):
        """The difference between the loaded plan and the uploaded file; the confirmation (POST) loads it."""
        if not permissions.can_load_catalogue(request.user):
            raise PermissionDenied
        pending = request.session.get(UPLOAD_SESSION_KEY)
        if not pending:
            messages.warning(request, gettext("There is no uploaded catalogue to confirm. Upload the file again."))
            return redirect("admin:indicators_plan_changelist")
        plan = None
        if pending["plan"] is not None:
            plan = Plan.objects.filter(pk=pending["plan"]).first()
            if plan is None:  # deleted meanwhile
                return self._upload_gone(request, gettext("The plan of this upload no longer exists."))
        catalogue = parse_catalogue(pending["text"])  # checked at the upload
        form = CatalogueConfirmForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["digest"] != _digest(pending["text"]):  # another upload in this session since
                    raise StalePreview(gettext("Another catalogue was uploaded since this preview. Check it again."))
                done = plan_replace(
                    plan=plan,
                    catalogue=catalogue,
                    confirm_removals=form.cleaned_data["confirm_removals"],
                    user=request.user,
                    fingerprint=form.cleaned_data["fingerprint"],
                )
            except ReplaceRefused as refused:
                messages.error(request, str(refused))
                status = 409 if isinstance(refused, StalePreview) else 400
            else:
                del request.session[UPLOAD_SESSION_KEY]
                messages.success(request, self._applied_message(done))
                return redirect("admin:indicators_plan_change", done.plan.pk)
        elif request.method == "POST":
            messages.error(request, gettext("The confirmation could not be read. Check the changes again."))
            status = 400
        try:
            preview = plan_preview(catalogue=catalogue, plan=plan)
        except ReplaceRefused as refused:  # closed, or its document number loaded, since the upload
            return self._upload_gone(request, str(refused))
        context = self.admin_site.each_context(request) | {
            "title": gettext("Check the changes and confirm"),
            "plan": plan,
            "catalogue_plan": catalogue["plan"],
            "filename": pending["name"],
            "preview": preview,
            "diff": preview.diff,
            "removed_targets": [(entry, preview.figures.get(entry.key)) for entry in preview.diff.indicators.removed],
            "removed_tasks": [(entry, preview.reports.get(entry.key)) for entry in preview.diff.tasks.removed],
            "form": CatalogueConfirmForm(
                initial={"digest": _digest(pending["text"]), "fingerprint": preview.fingerprint}
            ),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/indicators/plan/upload_preview.html", context, status=status)

    @staticmethod
    def _upload_gone(request, message):
        del request.session[UPLOAD_SESSION_KEY]
        messages.error(request, message)
        return redirect("admin:indicators_plan_changelist")

    @staticmethod
    def _applied_message(done):
        diff = done.diff
        if diff.new_plan:
            return gettext("The plan %(plan)s was loaded as a draft: %(targets)s targets, %(tasks)s tasks.") % {
                "plan": done.plan,
                "targets": len(diff.indicators.added),
                "tasks": len(diff.tasks.added),
            }
        if diff.empty:
            return gettext("The file is the same as the loaded version: nothing changed.")
        return gettext(
            "The new version of the catalogue was loaded: %(added)s targets added, %(changed)s changed, "
            "%(removed)s removed."
        ) % {
            "added": len(diff.indicators.added),
            "changed": len(diff.indicators.changed),
            "removed": len(diff.indicators.removed),
        }

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


class TaskResponsibilityInline(SystemInline):
    model = TaskResponsibility
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(SystemAdmin):
    list_display = ["code", "title", "plan"]
    search_fields = ["code", "title", "text"]
    inlines = [TaskResponsibilityInline]


@admin.register(Indicator)
class IndicatorAdmin(SystemAdmin):
    list_display = ["code", "name", "kind", "target_value", "unit", "target_year", "binding", "task", "statistic"]
    list_filter = ["plan", "kind", "binding", "by_region"]
    search_fields = ["code", "name", "name_en", "source_text"]
    list_select_related = ["task", "statistic"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        figures_changed(indicator_ids=[obj.pk])  # targets, thresholds or trajectory may have changed


@admin.register(Statistic)
class StatisticAdmin(SystemAdmin):
    """What is measured; created by loading a catalogue. Its name and unit may be corrected here."""

    list_display = ["code", "name", "unit", "by_region"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["code", "measures"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SystemAdmin):
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
