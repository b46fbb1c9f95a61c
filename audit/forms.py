from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class AuditFilterForm(forms.Form):
    """The audit page's search, read from the query string: every value is checked, none is guessed."""

    user = forms.CharField(label=_("User name"), max_length=150, required=False, help_text=_("Exactly as spelt."))
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All"))] + AuditEntry.Event.choices)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(min_value=1, max_value=10**9, required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date between 2000 and 2100."))
        since, until = data.get("since"), data.get("until")
        if since and until and since > until and not self.errors:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    def filters(self):
        """The search as keyword arguments for audit.selectors.audit_entries."""
        data = self.cleaned_data if self.is_bound else {}
        return {name: data.get(name) for name in ("user", "event", "since", "until") if data.get(name)}

    def page_number(self):
        return (self.cleaned_data.get("page") if self.is_bound else None) or 1
