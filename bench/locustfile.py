"""The users bench/load.py sends: every role of the demo, each doing what that role does in a working day.

Run by bench/load.py (which starts the site and the worker); on its own:
    .venv-load/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8765 --headless -u 50 -r 5 -t 5m

Every request is named by its route ("/indicators/[code]/"), so the statistics are per page, not per address.
Only loopback hosts are accepted: this is a load test of our own server, never of anyone else's.
"""

import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PASSWORD = "demo-2025"  # the demo accounts' password (indicators.demo_load.DEMO_PASSWORD)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The demo plan's pages (fixtures/plan.toml's slug).
PLAN = "/plans/yingkou-14th"
# Indicator codes of the plan with figures in the demo (fixtures/plan.toml).
CODES = ["EI_GDP", "COD", "NH3N", "NOX", "VOCS", "STRAW_USE", "RURAL_SEWAGE", "CLEAN_HEATING", "STEEL_ULE"]
# Figures a clerk of 市生态环境局 may save as drafts (the tasks it leads or shares) and years still open.
CLERK_CELLS = [("STRAW_USE", 2025), ("RURAL_SEWAGE", 2025)]


@events.test_start.add_listener
def loopback_only(environment, **_kwargs):
    host = urlsplit(environment.host or "").hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"bench/locustfile.py only loads this machine's own server, not {host!r}")


class Role(HttpUser):
    abstract = True
    wait_time = between(1, 3)  # a person reading a page, not a script hammering it
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token and token.group(1)},
            name="/accounts/login/ (POST)",
            headers={"Referer": page.url},
        )

    def page(self, url, name=None):
        return self.client.get(url, name=name or url)

    def post_form(self, url, name, data):
        """GET the form, then POST it with its CSRF token, as a browser does."""
        form = self.page(url, name)
        token = CSRF.search(form.text)
        if token is None:
            return None
        return self.client.post(
            url, {"csrfmiddlewaretoken": token.group(1), **data}, name=f"{name} (POST)", headers={"Referer": form.url}
        )


class Leader(Role):
    weight = 15
    username = "leader"

    @task(5)
    def overview(self):
        self.page(f"{PLAN}/overview/")

    @task(3)
    def indicator(self):
        self.page(f"{PLAN}/indicators/{random.choice(CODES)}/", "/indicators/[code]/")

    @task(1)
    def overview_filtered(self):
        self.page(f"{PLAN}/overview/?year={random.choice([2022, 2023, 2024])}&status=red", "/overview/?filters")

    @task(1)
    def report(self):
        self.page(f"{PLAN}/report/?year=2024", "/report/")

    @task(1)
    def workbook(self):
        self.page(f"{PLAN}/overview.xlsx")

    @task(1)
    def completeness(self):
        self.page(f"{PLAN}/completeness/")


class Clerk(Role):
    weight = 15
    username = "clerk"

    @task(3)
    def entry_grid(self):
        self.page("/entry/")

    @task(2)
    def save_draft(self):
        code, year = random.choice(CLERK_CELLS)
        value = f"{random.uniform(20, 40):.1f}"
        self.post_form(
            f"/entry/{code}/{year}/",
            "/entry/[code]/[year]/",
            {"stage": "final", "level": value, "note": "负载测试草稿", "save": "1"},
        )

    @task(1)
    def upload_page(self):
        self.page("/upload/")

    @task(1)
    def template(self):
        self.page("/upload/template.xlsx")


class RegionClerk(Role):
    weight = 5
    username = "region_clerk"

    @task(3)
    def entry_grid(self):
        self.page("/entry/")

    @task(1)
    def landing(self):
        self.page("/", "/ (landing)")


class Head(Role):
    weight = 8
    username = "head"

    @task(3)
    def landing(self):
        self.page("/", "/ (landing)")

    @task(2)
    def review(self):
        self.page("/review/")

    @task(1)
    def indicator(self):
        self.page(f"{PLAN}/indicators/{random.choice(CODES)}/", "/indicators/[code]/")


class Reviewer(Role):
    weight = 5
    username = "reviewer"

    @task(3)
    def review(self):
        self.page("/review/")

    @task(1)
    def completeness(self):
        self.page(f"{PLAN}/completeness/")


class Administrator(Role):
    weight = 2
    username = "admin"

    @task(2)
    def overview(self):
        self.page(f"{PLAN}/overview/")

    @task(1)
    def admin_figures(self):
        self.page("/admin/indicators/figure/", "/admin/indicators/figure/")

    @task(1)
    def freshness(self):
        self.page(f"{PLAN}/freshness/")
