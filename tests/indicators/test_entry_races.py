"""Real concurrency: saves and approvals of the same figures at once, each in its own thread and database
connection. The loser of a race gets Stale ("changed since you opened it") or its save becomes a new
revision; never a database error, and nothing typed is lost. Run on SQLite and on PostgreSQL."""

import copy
import sqlite3
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from indicators import entry
from indicators.models import Figure, Indicator

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5  # the threads start together at a barrier; a few rounds make an overlap all but certain


@pytest.fixture(autouse=True)
def file_database(tmp_path):
    """On SQLite, these tests run on a database file, as the application does: the in-memory test database
    is shared between threads in SQLite's shared-cache mode, whose table locks fail at once ("database
    table is locked") instead of waiting the busy timeout. The empty migrated schema is copied into the
    file, which every connection then opens; afterwards the in-memory database is back as it was."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = str(tmp_path / "races.sqlite3")
    connection.ensure_connection()
    memory, in_memory_name = connection.connection, connection.settings_dict["NAME"]
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    # Django never closes an in-memory database (it would be lost): set its connection aside instead.
    connection.connection = None
    connection.settings_dict["NAME"] = path  # the dict every thread's connection is made from
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = in_memory_name
        connection.connection = memory


def race(*actions):
    """Runs the actions at once, one thread each, and returns what each returned or raised."""
    barrier, outcomes = threading.Barrier(len(actions)), [None] * len(actions)

    def run(n, action):
        try:
            barrier.wait()
            outcomes[n] = action()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[n] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(n, action)) for n, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def straw(plan):
    return Indicator.objects.select_related("task__plan").get(code="STRAW_USE")


def enter(user, indicator, value, *, year=2021):
    return lambda: entry.figures_enter(
        user=user, indicator=indicator, region=None, year=year, stage="final",
        values={"level": D(value)}, note="", submit=True,
    )  # fmt: skip


def review(user, figure, *, approve=True):
    seen = {figure.pk: figure.version}
    return lambda: entry.figures_review(user=user, versions=seen, approve=approve, reason="请核对")


def kinds_of(outcomes):
    return sorted("stale" if isinstance(o, entry.Stale) else type(o).__name__ for o in outcomes)


def test_two_reviewers_approving_at_once(clerk, head, reviewer, straw):
    for year in range(2021, 2021 + ROUNDS):
        (figure,) = enter(clerk, straw, 70, year=year)()
        outcomes = race(review(head, figure), review(reviewer, figure))
        assert kinds_of(outcomes) == ["list", "stale"], outcomes
        assert Figure.objects.get(pk=figure.pk).status == "approved"


def test_an_edit_during_an_approval(clerk, head, straw):
    for year in range(2021, 2021 + ROUNDS):
        (figure,) = enter(clerk, straw, 70, year=year)()
        edited, approved = race(enter(clerk, straw, 75, year=year), review(head, figure))
        figure.refresh_from_db()
        if isinstance(approved, entry.Stale):  # the edit came first: the head must look again
            assert (figure.status, figure.value, figure.revision) == ("submitted", 75, 2)
        else:  # the approval came first: the edit is refused, the approved figure kept
            assert isinstance(edited, entry.Locked), (edited, edited.__cause__)
            assert (figure.status, figure.value) == ("approved", 70)


def signed_in(user):
    """The cookies of a browser where `user` is signed in."""
    browser = Client()
    browser.force_login(user)
    browser.cookies["django_language"] = "en"
    return browser.cookies


def approve_click(cookies, figure):
    """The approve button of the review page, as the browser holding `cookies` posts it."""
    data = {"action": "approve", "figures": [f"{figure.pk}:{figure.version}"]}

    def click():
        browser = Client()
        browser.cookies = copy.deepcopy(cookies)
        return browser.post(reverse("reporting:review"), data, follow=True)

    return click


def test_a_double_clicked_approve(head, clerk, straw):
    for year in range(2021, 2021 + ROUNDS):
        (figure,) = enter(clerk, straw, 70, year=year)()
        cookies = signed_in(head)  # both clicks come from one browser, in one session
        pages = race(approve_click(cookies, figure), approve_click(cookies, figure))
        assert [page.status_code for page in pages] == [200, 200], pages
        texts = sorted("changed since you opened" in page.content.decode() for page in pages)
        assert texts == [False, True]  # one approved it, the other is told it changed
        assert Figure.objects.get(pk=figure.pk).status == "approved"


def test_twenty_first_saves_of_one_cell_at_once(clerk, colleague, straw):
    users = [clerk, colleague] * 10
    outcomes = race(*(enter(user, straw, 60 + n) for n, user in enumerate(users)))
    assert [o for o in outcomes if not isinstance(o, list)] == []  # no error: every save went through
    figure = Figure.objects.get()
    saved = set(figure.history.values_list("value", flat=True))
    assert saved == {D(60 + n) for n in range(20)}  # each value is a revision in the history: none lost
    assert figure.revision == 20 and figure.value in saved
