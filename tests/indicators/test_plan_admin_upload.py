"""An administrator uploads a catalogue in the admin, sees what changes and confirms it; nobody else can, bad
files are refused with every problem's line, and nothing is saved before the confirmation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.admin import MAX_CATALOGUE_BYTES, UPLOAD_SESSION_KEY
from indicators.catalogue import CATALOGUE_PATH, NEXT_PLAN_PATH, read_catalogue
from indicators.models import Figure, Indicator, Plan, Task
from indicators.plans import plan_catalogue, plan_load
from tests.factories import FigureFactory

PLAN_TOML = CATALOGUE_PATH.read_text(encoding="utf-8")
LIST_URL = reverse("admin:indicators_plan_upload")
PREVIEW_URL = reverse("admin:indicators_plan_upload_preview")


def version_url(plan):
    return reverse("admin:indicators_plan_upload_version", args=[plan.pk])


def without_indicators(text, *codes):
    """The catalogue text without the [[indicators]] tables of these codes."""
    head, *tables = text.split("\n[[indicators]]\n")
    kept = [t for t in tables if not any(t.startswith(f'code = "{code}"\n') for code in codes)]
    assert len(kept) == len(tables) - len(codes)
    return "\n[[indicators]]\n".join([head, *kept])


def upload(client, text, url, name="plan.toml"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/toml")})


def confirm(client, response=None, **fields):
    """Posts the preview page's form as the page gave it (its digest and fingerprint), with `fields`."""
    page = response or client.get(PREVIEW_URL)
    form = page.context["form"]
    data = {"digest": form.initial["digest"], "fingerprint": form.initial["fingerprint"]} | fields
    return client.post(PREVIEW_URL, data)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_plan_list_and_page_offer_the_upload(admin_client, plan):
    assert LIST_URL in admin_client.get(reverse("admin:indicators_plan_changelist")).content.decode()
    assert (
        version_url(plan) in admin_client.get(reverse("admin:indicators_plan_change", args=[plan.pk])).content.decode()
    )
    assert admin_client.get(LIST_URL).status_code == 200
    assert admin_client.get(version_url(plan)).status_code == 200


def test_a_closed_plan_offers_no_new_version(admin_client, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    page = admin_client.get(reverse("admin:indicators_plan_change", args=[plan.pk])).content.decode()
    assert version_url(plan) not in page
    assert upload(admin_client, without_indicators(PLAN_TOML, "COD"), version_url(plan)).status_code == 403
    assert Indicator.objects.filter(plan=plan, code="COD").exists()


def test_the_unchanged_file_shows_no_changes(admin_client, plan):
    before = plan_catalogue(plan)
    response = upload(admin_client, PLAN_TOML, version_url(plan))
    assert response.status_code == 302 and response["Location"] == PREVIEW_URL
    page = admin_client.get(PREVIEW_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="no-changes"' in html and 'id="confirm-catalogue"' not in html
    assert plan_catalogue(plan) == before


def test_a_changed_target_shows_old_and_new_and_applies(admin_client, plan):
    text = PLAN_TOML.replace("target_value = 3472\n", "target_value = 3500\n", 1)
    assert upload(admin_client, text, version_url(plan)).status_code == 302
    page = admin_client.get(PREVIEW_URL)
    html = page.content.decode()
    assert re.search(r"<code>target_value</code></td><td class=\"old\">3472</td><td class=\"new\">→ 3500</td>", html)
    assert "COD" in html and 'class="needs-confirmation"' not in html
    assert Indicator.objects.get(plan=plan, code="COD").target_value == 3472  # nothing saved before the confirmation

    response = confirm(admin_client, page)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:indicators_plan_change", args=[plan.pk])
    assert Indicator.objects.get(plan=plan, code="COD").target_value == 3500
    assert UPLOAD_SESSION_KEY not in admin_client.session
    assert [m.level_tag for m in admin_client.get(response["Location"]).context["messages"]] == ["success"]

    # The same file again: no changes.
    upload(admin_client, text, version_url(plan))
    assert 'id="no-changes"' in admin_client.get(PREVIEW_URL).content.decode()


def test_a_removed_target_without_figures_is_removed(admin_client, plan):
    upload(admin_client, without_indicators(PLAN_TOML, "STRAW_USE"), version_url(plan))
    page = admin_client.get(PREVIEW_URL)
    html = page.content.decode()
    assert "STRAW_USE" in html and 'class="needs-confirmation"' not in html and "confirm_removals" not in html
    assert confirm(admin_client, page).status_code == 302
    assert not Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()
    assert Indicator.objects.filter(plan=plan).count() == 40


def test_a_removed_target_with_figures_needs_the_checkbox_and_its_figures_stay(admin_client, plan):
    cod = Indicator.objects.get(plan=plan, code="COD")
    figure = FigureFactory(indicator=cod, year=2021, measure="amount")
    upload(admin_client, without_indicators(PLAN_TOML, "COD"), version_url(plan))
    page = admin_client.get(PREVIEW_URL)
    html = page.content.decode()
    assert re.search(r'<li class="needs-confirmation"><code>COD</code>', html)
    assert 'name="confirm_removals"' in html

    refused = confirm(admin_client, page)
    assert refused.status_code == 400
    assert Indicator.objects.filter(pk=cod.pk).exists()
    assert any("COD" in str(m) for m in refused.context["messages"])

    assert confirm(admin_client, page, confirm_removals="on").status_code == 302
    assert not Indicator.objects.filter(pk=cod.pk).exists()
    assert Figure.objects.filter(pk=figure.pk, statistic__code="COD").exists()


@pytest.mark.parametrize("persona", ["clerk", "head", "leader", "reviewer"])
def test_only_administrators_upload(client, request, plan, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even one let into the admin by mistake, and signed in with the second factor staff need
    user.save()
    TOTPDevice.objects.get_or_create(user=user, defaults={"name": "authenticator", "confirmed": True})
    client.force_login(user)
    text = without_indicators(PLAN_TOML, "STRAW_USE")
    assert client.get(LIST_URL).status_code == 403
    assert upload(client, text, version_url(plan)).status_code == 403
    assert upload(client, text, LIST_URL).status_code == 403
    assert client.get(PREVIEW_URL).status_code == 403
    assert client.post(PREVIEW_URL, {"digest": "x", "fingerprint": "y", "confirm_removals": "on"}).status_code == 403
    assert UPLOAD_SESSION_KEY not in client.session
    assert Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()
    for url in (reverse("admin:indicators_plan_changelist"), reverse("admin:indicators_plan_change", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code != 200 or LIST_URL not in response.content.decode()


def test_a_preview_of_another_administrators_upload_cannot_be_confirmed(client, administrator, person, plan):
    """The upload waits in the uploader's session: another administrator's confirmation finds nothing."""
    from departments import roles

    client.force_login(administrator)
    upload(client, without_indicators(PLAN_TOML, "STRAW_USE"), version_url(plan))
    page = client.get(PREVIEW_URL)
    other = person(roles.ADMINISTRATOR, username="admin2", is_staff=True)
    client.force_login(other)
    response = client.post(PREVIEW_URL, {**{k: page.context["form"].initial[k] for k in ("digest", "fingerprint")}})
    assert response.status_code == 302 and response["Location"] == reverse("admin:indicators_plan_changelist")
    assert Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(
    "text, name, message",
    [
        ("[plan\nname = 1", "plan.toml", "TOML"),
        (PLAN_TOML, "plan.xlsx", "TOML"),
        (b"\xff\xfe[plan]", "plan.toml", "UTF-8"),
        (PLAN_TOML + "#" * MAX_CATALOGUE_BYTES, "plan.toml", "1 MB"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_saved(admin_client, plan, text, name, message):
    before = plan_catalogue(plan)
    response = upload(admin_client, text, version_url(plan), name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert UPLOAD_SESSION_KEY not in admin_client.session
    assert plan_catalogue(plan) == before


def test_a_catalogue_with_errors_lists_each_with_its_line_and_field(admin_client, plan):
    broken = (
        without_indicators(PLAN_TOML, "STRAW_USE")
        .replace('kind = "at_least"', 'kind = "at_leest"', 1)
        .replace('code = "NH3N"', 'code = "COD"', 1)
    )
    response = upload(admin_client, broken, version_url(plan))
    assert response.status_code == 400
    rows = {(p["line"], p["field"]) for p in response.context["problems"]}
    assert rows == {
        (line_of(broken, 'kind = "at_leest"'), "indicators[6].kind"),
        (line_of(broken, 'code = "COD"\nsection = "二"\ntask = "四（二）"\nname = "氨氮'), "indicators[3].code"),
    }
    html = response.content.decode()
    assert 'id="catalogue-problems"' in html and "at_leest" in html
    assert UPLOAD_SESSION_KEY not in admin_client.session
    assert Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()


def test_a_file_of_another_document_number_is_refused(admin_client, plan):
    text = PLAN_TOML.replace('document_number = "营政发〔2022〕18号"', 'document_number = "营政发〔2023〕1号"')
    response = upload(admin_client, text, version_url(plan))
    assert response.status_code == 400
    assert "营政发〔2023〕1号" in response.content.decode()
    assert UPLOAD_SESSION_KEY not in admin_client.session
    assert not Plan.objects.filter(document_number="营政发〔2023〕1号").exists()


def test_a_stale_preview_is_refused(admin_client, plan):
    upload(admin_client, without_indicators(PLAN_TOML, "STRAW_USE"), version_url(plan))
    page = admin_client.get(PREVIEW_URL)
    Indicator.objects.filter(plan=plan, code="COD").update(target_value=1)  # another administrator, meanwhile
    response = confirm(admin_client, page)
    assert response.status_code == 409
    assert Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()
    # The page shows the changes as they are now; confirming those works.
    assert "3472" in response.content.decode()  # COD's target would go back from 1 to the file's 3472
    assert confirm(admin_client, response).status_code == 302
    assert not Indicator.objects.filter(plan=plan, code="STRAW_USE").exists()


def test_a_preview_replaced_by_another_upload_is_refused(admin_client, plan):
    upload(admin_client, without_indicators(PLAN_TOML, "STRAW_USE"), version_url(plan))
    first = admin_client.get(PREVIEW_URL)
    upload(admin_client, without_indicators(PLAN_TOML, "MANURE_USE"), version_url(plan))  # in another tab
    assert confirm(admin_client, first).status_code == 409
    assert Indicator.objects.filter(plan=plan, code__in=["STRAW_USE", "MANURE_USE"]).count() == 2


def test_a_confirmation_without_an_upload_goes_back_to_the_list(admin_client, plan):
    response = admin_client.post(PREVIEW_URL, {"digest": "x", "fingerprint": "y"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:indicators_plan_changelist")


def test_a_new_plan_from_the_list_is_loaded_as_a_draft(admin_client, plan):
    text = NEXT_PLAN_PATH.read_text(encoding="utf-8")
    assert upload(admin_client, text, LIST_URL).status_code == 302
    page = admin_client.get(PREVIEW_URL)
    assert "示例〔2026〕0号" in page.content.decode()
    response = confirm(admin_client, page)
    created = Plan.objects.get(document_number="示例〔2026〕0号")
    assert response["Location"] == reverse("admin:indicators_plan_change", args=[created.pk])
    assert (created.status, Indicator.objects.filter(plan=created).count()) == (Plan.Status.DRAFT, 10)


def test_a_loaded_plans_file_from_the_list_is_its_new_version(admin_client, plan):
    upload(admin_client, without_indicators(PLAN_TOML, "STRAW_USE"), LIST_URL)
    page = admin_client.get(PREVIEW_URL)
    assert page.context["plan"] == plan and page.context["diff"].indicators.keys("removed") == ["STRAW_USE"]
    confirm(admin_client, page)
    assert Plan.objects.count() == 1 and not Indicator.objects.filter(code="STRAW_USE").exists()


def test_another_plans_data_is_never_touched(admin_client, plan):
    following = plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))
    FigureFactory(indicator=Indicator.objects.get(plan=plan, code="EI_GDP"), year=2025)
    before = plan_catalogue(following), list(Task.objects.filter(plan=following).values_list("pk", flat=True))
    text = without_indicators(PLAN_TOML, "EI_GDP", "COD").replace("target_value = 90\n", "target_value = 95\n", 1)
    upload(admin_client, text, version_url(plan))
    page = admin_client.get(PREVIEW_URL)
    assert page.context["preview"].figures == {"EI_GDP": 1}
    assert confirm(admin_client, page, confirm_removals="on").status_code == 302
    assert (plan_catalogue(following), list(Task.objects.filter(plan=following).values_list("pk", flat=True))) == before
    assert Indicator.objects.filter(plan=following, code__in=["EI_GDP", "COD"]).count() == 2
    assert Figure.objects.filter(statistic__code="EI_GDP").count() == 1
