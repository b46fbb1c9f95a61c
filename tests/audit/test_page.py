"""The audit administrator's page: the trail newest first, paged, searched; exported as CSV (itself recorded).
Nobody else may open it: not the system administrator, not a superuser without the audit role."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import services
from audit.models import AuditEntry
from audit.selectors import PAGE_SIZE
from audit.services import audit_record
from departments import roles
from tests.audit.conftest import entries, last
from tests.factories import UserFactory

URL = reverse("audit:entries")
CSV_URL = reverse("audit:export")
Event = AuditEntry.Event


@pytest.fixture
def trail(db, monkeypatch):
    """A sign-in failure of "clerk" 3 days ago, then exports by "leader" and "head" today."""
    monkeypatch.setattr(services, "now", lambda: timezone.now() - timedelta(days=3))
    audit_record(event=Event.LOGIN_FAILED, username="clerk", obj="user clerk", outcome="failure")
    monkeypatch.setattr(services, "now", timezone.now)
    audit_record(event=Event.EXPORT, username="leader", obj="plan yingkou-14th overview.xlsx", detail={"营口": 1})
    audit_record(event=Event.EXPORT, username="head", obj='=HYPERLINK("http://x")')


def rows(response):
    return response.content.decode().count("<tr data-seq=")


def test_the_audit_administrator_sees_the_trail_newest_first(client, audit_administrator, trail):
    client.force_login(audit_administrator)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("head") < page.index("plan yingkou-14th overview.xlsx") < page.index("user clerk")
    assert "&quot;营口&quot;: 1" in page  # the detail, as JSON


def test_the_header_links_to_it_for_the_audit_administrator_only(client, audit_administrator, administrator):
    client.force_login(audit_administrator)
    assert f'href="{URL}"' in client.get(URL).content.decode()
    client.force_login(administrator)
    assert f'href="{URL}"' not in client.get(reverse("reporting:landing"), follow=True).content.decode()


def test_the_audit_administrator_starts_on_it(client, audit_administrator):
    client.force_login(audit_administrator)
    response = client.get(reverse("reporting:landing"))
    assert response.status_code == 302 and response["Location"] == URL


@pytest.mark.parametrize("persona", ["clerk", "head", "leader", "reviewer", "administrator"])
@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_everyone_else_gets_403(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    assert not entries(Event.AUDIT_EXPORTED)


def test_a_superuser_without_the_audit_role_gets_403(client, plan):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 403


def test_a_superuser_with_the_audit_role_may(client, person):
    client.force_login(person(roles.AUDIT_ADMINISTRATOR, username="root", is_superuser=True))
    assert client.get(URL).status_code == 200


def test_the_system_administrator_with_the_audit_role_too_may_not(client, administrator):
    """Separation of duties: in both groups, the system administrator's role wins (permissions.PRECEDENCE)."""
    from django.contrib.auth.models import Group

    administrator.groups.add(Group.objects.get(name=roles.AUDIT_ADMINISTRATOR))
    client.force_login(administrator)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


TRAIL = {"user clerk", "plan yingkou-14th overview.xlsx", "=HYPERLINK"}


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ({"user": "leader"}, {"plan yingkou-14th overview.xlsx"}),
        ({"user": "lead"}, set()),  # exact names only
        ({"event": "login_failed"}, {"user clerk"}),
        ({"since": "{today}"}, {"=HYPERLINK", "plan yingkou-14th overview.xlsx"}),
        ({"until": "{three_days_ago}"}, {"user clerk"}),
        ({"since": "{three_days_ago}", "until": "{three_days_ago}", "event": "login_failed", "user": "clerk"},
         {"user clerk"}),
    ],
)  # fmt: skip
def test_the_search(client, audit_administrator, trail, search, found):
    today = timezone.localdate()
    dates = {"today": today.isoformat(), "three_days_ago": (today - timedelta(days=3)).isoformat()}
    client.force_login(audit_administrator)
    response = client.get(URL, {key: value.format(**dates) for key, value in search.items()})
    assert response.status_code == 200
    page = response.content.decode().replace("&quot;", '"')
    assert {name for name in TRAIL if name in page} == found
    if "user" in search or "event" in search:
        assert rows(response) == len(found)


@pytest.mark.parametrize(
    "search",
    [
        {"event": "made_up"},
        {"since": "2025-13-01"},
        {"since": "yesterday"},
        {"until": "9999-12-31"},  # would overflow a day later
        {"since": "2025-02-01", "until": "2025-01-01"},  # backwards
        {"user": "x" * 151},
        {"page": "0"},
        {"page": "x"},
        {"page": "9" * 30},
    ],
)
@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_a_search_that_cannot_be_read_is_refused(client, audit_administrator, trail, search, url):
    client.force_login(audit_administrator)
    response = client.get(url, search)
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode() and rows(response) == 0
    assert not entries(Event.AUDIT_EXPORTED)


def test_paged_50_at_a_time_keeping_the_search(client, audit_administrator, db):
    for n in range(PAGE_SIZE + 5):
        audit_record(event=Event.EXPORT, username="leader", obj=f"file {n}")
    client.force_login(audit_administrator)
    first = client.get(URL, {"user": "leader"})
    assert rows(first) == PAGE_SIZE and "user=leader&amp;page=2" in first.content.decode()
    second = client.get(URL, {"user": "leader", "page": 2})
    assert rows(second) == 5 and "file 0<" in second.content.decode()
    assert client.get(URL, {"user": "leader", "page": 99}).status_code == 200  # the last page


def test_query_count_does_not_grow_with_the_trail(client, audit_administrator, db, django_assert_max_num_queries):
    client.force_login(audit_administrator)
    with django_assert_max_num_queries(8) as first:
        client.get(URL)
    for n in range(200):
        audit_record(event=Event.EXPORT, username="leader", obj=f"file {n}", detail={"n": n})
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(URL, {"event": "export"})
    assert rows(response) == PAGE_SIZE


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads the Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_export_has_a_bom_and_the_search(client, audit_administrator, trail):
    client.cookies["django_language"] = "en"
    client.force_login(audit_administrator)
    response = client.get(CSV_URL, {"event": "export"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="audit.csv"' in response["Content-Disposition"]
    header, *lines = read_csv(response)
    assert header[:5] == ["Number", "Time", "User name", "Address", "Event"]
    assert [line[2] for line in lines] == ["head", "leader"]
    assert lines[1][6] == "plan yingkou-14th overview.xlsx" and '"营口": 1' in lines[1][8]
    assert lines[0][6] == '\'=HYPERLINK("http://x")'  # a formula stays text in Excel


def test_exporting_is_itself_recorded(client, audit_administrator, trail):
    client.force_login(audit_administrator)
    response = client.get(CSV_URL, {"user": "leader"}, REMOTE_ADDR="10.9.9.9")
    lines = read_csv(response)[1:]
    exported = last(Event.AUDIT_EXPORTED)
    assert (exported.user, exported.address, exported.object) == (audit_administrator, "10.9.9.9", "audit.csv")
    assert exported.detail == {"search": {"user": "leader"}, "entries": 1}
    assert len(lines) == 1  # the export holds what existed when it was asked for, not its own entry


def test_the_export_contains_every_entry_not_just_a_page(client, audit_administrator, db):
    for n in range(PAGE_SIZE * 2 + 1):
        audit_record(event=Event.EXPORT, username="leader", obj=f"file {n}")
    client.force_login(audit_administrator)
    assert len(read_csv(client.get(CSV_URL, {"event": "export"}))) == 1 + PAGE_SIZE * 2 + 1


def test_there_is_no_admin_page_for_the_entries(client, administrator, trail):
    from django.contrib import admin

    assert AuditEntry not in admin.site._registry
    client.force_login(administrator)
    assert "auditentry" not in client.get(reverse("admin:index")).content.decode()
