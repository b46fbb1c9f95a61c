"""Forms of the entry, upload, review and unlock pages. Values are read by parsing.read_value and checked by
kinds.value_problem, the rules the import applies."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Region
from indicators import kinds, parsing
from indicators.entry import MAX_UPLOAD_BYTES
from indicators.models import Figure, Result, Task
from reporting import params

MEASURE_LABELS = dict(Figure.Measure.choices)


class ValueField(forms.Field):
    """A figure's value, read as the upload reads it (parsing.read_value): 1,234.5 and full-width digits pass,
    1_000 and 1,5 do not, -0 is 0. A percent sign only for a percentage measure."""

    def __init__(self, *, unit, measure, **kwargs):
        super().__init__(**kwargs)
        self.unit, self.measure = unit, measure

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number, percent = parsing.read_value(str(value))
            parsing.check_percent(percent, unit=self.unit, measure=self.measure)
        except parsing.BadValue as bad:
            raise forms.ValidationError(gettext(bad.message), code="invalid", params=bad.params or None) from None
        return number


class FigureEntryForm(forms.Form):
    """One field per measure the indicator accepts; at least one value."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Figure.Stage.choices, initial=Figure.Stage.FINAL)
    note = forms.CharField(
        label=_("Comment for the reviewer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when a value is flagged as implausible: say why it is right."),
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.measures = kinds.measures(indicator.kind, components=indicator.energy_components)
        for measure in self.measures:
            self.fields[measure] = ValueField(
                label=MEASURE_LABELS[measure], required=False, unit=indicator.unit, measure=measure
            )
        self.order_fields(["stage", *self.measures, "note"])

    def measure_fields(self):
        return [self[measure] for measure in self.measures]

    def clean(self):
        data = super().clean()
        for measure in self.measures:
            value = data.get(measure)
            if value is None:
                continue
            problem = kinds.value_problem(
                kind=self.indicator.kind,
                unit=self.indicator.unit,
                measure=measure,
                value=value,
                components=self.indicator.energy_components,
            )
            if problem:
                self.add_error(measure, gettext(problem))
        if not any(data.get(m) is not None for m in self.measures) and not self.errors:
            raise forms.ValidationError(_("Enter at least one value."))
        return data

    def values(self):
        return {measure: self.cleaned_data.get(measure) for measure in self.measures}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Figures file (XLSX or CSV)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB. Split it into smaller files."))
        return file


class ReviewForm(forms.Form):
    """The reviewer's decision on the figures ticked, each as "id:version" (Figure.version, what they saw)."""

    APPROVE, RETURN = "approve", "return"
    action = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))])
    figures = forms.CharField(required=False)
    reason = forms.CharField(label=_("Reason for return"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {}

    def clean(self):
        data = super().clean()
        for item in self.data.getlist("figures") if hasattr(self.data, "getlist") else []:
            figure_id, _sep, version = item.partition(":")
            figure_id, version = params.whole_number(figure_id), params.whole_number(version)
            if figure_id is None or version is None:
                raise forms.ValidationError(_("The selection could not be read. Reload the page."))
            self.versions[figure_id] = version
        if not self.versions:
            raise forms.ValidationError(_("Tick at least one figure."))
        if data.get("action") == self.RETURN and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the figures are returned."))
        return data

    @property
    def approve(self):
        return self.cleaned_data["action"] == self.APPROVE


class UnlockForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for unlocking"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OverviewFilterForm(forms.Form):
    """The overview's filters, read from the query string. An invalid choice is reported and dropped,
    never silently replaced by something the reader did not ask for."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan, years, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["status"].choices = everything + list(Result.Status.choices)
        units = {
            "task": (Task.objects.filter(plan=plan).order_by("position"), lambda t: f"{t.code} {t.display_title}"),
            "department": (Department.objects.filter(responsibilities__task__plan=plan).distinct(), None),
            "region": (Region.objects.all(), None),
        }
        for name, (queryset, label) in units.items():
            # The choices read once as a list: a lazy model iterator costs a count and a fetch per render.
            self.fields[name].queryset = queryset
            self.fields[name].choices = everything + [(u.pk, label(u) if label else u.display_name) for u in queryset]

    def filters(self):
        """The valid filters as keyword arguments for the overview selector (empty ones left out)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else self._valid_part()
        return {name: data.get(name) for name in ("task", "department", "region", "status") if data.get(name)}

    def _valid_part(self):
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}


class ProgressReportForm(forms.Form):
    """The text is checked by the service (blank, too long), whose messages say what to do."""

    task = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Progress report"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done this year, what is behind and why, what comes next. Leadership reads it."),
    )

    def messages(self):
        """The errors as sentences, without the form's field names."""
        return " ".join(message for errors in self.errors.values() for message in errors)
