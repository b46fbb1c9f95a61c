"""Upload service: parsed once at upload, a daily quota per user, one import per confirmation, old bytes dropped."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators import entry
from indicators.figures import ImportRejected
from indicators.models import Figure, Upload

GOOD = b"indicator,year,value\nCOD,2021,610\n"


def test_a_file_is_parsed_once_at_upload(clerk, monkeypatch):
    upload = entry.upload_create(user=clerk, filename="a.csv", data=GOOD)
    assert upload.rows and upload.problems == []

    def read_again(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr("indicators.parsing.read_table", read_again)
    assert [change.row.value for change in entry.upload_preview(upload=upload).changes] == [610]
    entry.upload_confirm(upload=upload, user=clerk)
    assert Figure.objects.get().value == 610


def test_a_file_refused_as_a_whole_keeps_the_record_not_the_bytes(clerk):
    with pytest.raises(ImportRejected):
        entry.upload_create(user=clerk, filename="a.csv", data=b"\n\n")
    upload = Upload.objects.get()
    assert (upload.status, bytes(upload.data), upload.rows, upload.size) == ("rejected", b"", [], 2)


def test_the_quota_counts_the_last_24_hours(clerk, colleague, settings):
    settings.UPLOAD_QUOTA_PER_DAY = 2
    first = entry.upload_create(user=clerk, filename="a.csv", data=GOOD)
    entry.upload_create(user=clerk, filename="b.csv", data=GOOD)
    with pytest.raises(entry.QuotaReached):
        entry.upload_create(user=clerk, filename="c.csv", data=GOOD)
    entry.upload_create(user=colleague, filename="c.csv", data=GOOD)  # a quota per user, not per department
    Upload.objects.filter(pk=first.pk).update(uploaded_at=timezone.now() - timedelta(hours=25))
    entry.upload_create(user=clerk, filename="c.csv", data=GOOD)
    assert Upload.objects.filter(user=clerk).count() == 3


def test_a_second_confirmation_imports_nothing_more(clerk):
    upload = entry.upload_create(user=clerk, filename="a.csv", data=GOOD)
    entry.upload_confirm(upload=upload, user=clerk)
    with pytest.raises(ValidationError):
        entry.upload_confirm(upload=upload, user=clerk)  # the stale object of a double click still says previewed
    assert Figure.objects.count() == 1 and Figure.history.count() == 1


def test_problems_found_at_upload_refuse_the_confirmation(clerk):
    upload = entry.upload_create(user=clerk, filename="a.csv", data=GOOD + b"COD,2022,abc\n")
    with pytest.raises(ImportRejected) as rejected:
        entry.upload_confirm(upload=upload, user=clerk)
    assert [problem.line for problem in rejected.value.problems] == [3]
    upload.refresh_from_db()
    assert upload.status == "rejected" and not Figure.objects.exists()


def test_clean_up_drops_old_bytes_and_forgotten_previews(clerk, settings):
    settings.UPLOAD_KEEP_DAYS = 90
    now = timezone.now()
    imported = entry.upload_create(user=clerk, filename="old.csv", data=GOOD)
    entry.upload_confirm(upload=imported, user=clerk)
    forgotten = entry.upload_create(user=clerk, filename="forgotten.csv", data=GOOD)
    recent = entry.upload_create(user=clerk, filename="recent.csv", data=GOOD)
    Upload.objects.filter(pk=imported.pk).update(uploaded_at=now - timedelta(days=91))
    Upload.objects.filter(pk=forgotten.pk).update(uploaded_at=now - timedelta(days=3))

    assert entry.uploads_clean(now=now) == {"deleted": 1, "emptied": 1}
    imported.refresh_from_db()
    assert (imported.status, bytes(imported.data), imported.rows) == ("imported", b"", [])  # the record stays
    assert not Upload.objects.filter(pk=forgotten.pk).exists()
    assert bytes(Upload.objects.get(pk=recent.pk).data) == GOOD
    assert entry.uploads_clean(now=now) == {"deleted": 0, "emptied": 0}  # idempotent
