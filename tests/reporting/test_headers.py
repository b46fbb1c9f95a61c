"""Security headers on every page: Content-Security-Policy (django-csp) and Permissions-Policy; and no template
carries inline script the policy would refuse."""

import re
from pathlib import Path

from django.urls import reverse

from reporting.templatetags.reporting import chart_html
from tests.plans import SLUG

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "reporting" / "templates").rglob("*.html")]


def test_pages_send_the_content_security_policy_and_permissions_policy(client, db):
    response = client.get(reverse("login"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script on this page: not even a nonce
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_handler_or_a_script_without_a_source():
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "javascript:" not in text, path


def test_a_charts_inline_script_carries_the_nonce():
    html = '<div id="c"></div><script>Plotly.newPlot("c")</script>'
    assert chart_html(html, "abc123") == '<div id="c"></div><script nonce="abc123">Plotly.newPlot("c")</script>'


def test_the_indicator_page_gives_its_chart_the_nonce_of_its_header(client, leader, results):
    client.force_login(leader)
    response = client.get(reverse("reporting:indicator", args=[SLUG, "COD"]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    page = response.content.decode()
    assert f'<script nonce="{nonce}">' in page and "<script>" not in page
