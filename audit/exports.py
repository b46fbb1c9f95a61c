"""The audit trail as CSV: UTF-8 with a byte-order mark, which Excel needs to read the Chinese."""

import csv
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel: prefixed with ' so a user name typed at the
# sign-in page ("=HYPERLINK(...)") stays text (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    def write(self, text):
        return text


def audit_csv(entries, *, chunk_size=2000):
    """The CSV's lines, one at a time (for a streaming response): the header, then each entry."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(
        [_("Number"), _("Time"), _("User name"), _("Address"), _("Event"), _("Event code"), _("Object"),
         pgettext("audit", "Outcome"), _("Detail"), _("Hash")]
    )  # fmt: skip
    for entry in entries.iterator(chunk_size=chunk_size):
        row = [
            entry.seq,
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.username,
            entry.address,
            entry.get_event_display(),
            entry.event,
            entry.object,
            entry.get_outcome_display(),
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
            entry.hash,
        ]
        yield writer.writerow([_cell(value) for value in row])


def _cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
