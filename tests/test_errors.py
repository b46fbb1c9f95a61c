"""The error page: Chinese by default, and shown even when the database is down (it reads nothing)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.plans import SLUG


def test_the_500_page_makes_no_query_and_speaks_chinese(db, django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert 'lang="zh-hans"' in page and "bootstrap.min.css" in page


def test_the_500_page_in_english(db):
    with translation.override("en"):
        page = server_error(RequestFactory().get("/")).content.decode()
    assert "Something went wrong on our side" in page


@pytest.mark.django_db
def test_with_the_database_down_a_page_answers_the_500_page(client, clerk):
    client.force_login(clerk)
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get(reverse("reporting:overview", args=[SLUG]))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
