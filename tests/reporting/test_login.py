from django.urls import reverse

from tests.plans import SLUG


def test_login_page_carries_the_product_name(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "营口市“十四五”节能减排目标跟踪平台" in page
    assert 'lang="zh-hans"' in page


def test_wrong_password_is_refused_with_a_message(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_goes_to_the_landing_page(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == reverse("reporting:landing")


def test_logout_is_a_post(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# Throttling (django-axes): settings.AXES_FAILURE_LIMIT failures per account or per address lock the login.
def login(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_fifty_wrong_passwords_lock_the_account_even_for_the_right_one(client, clerk):
    client.cookies["django_language"] = "en"
    for _ in range(50):
        login(client, "clerk", "wrong")
    response = login(client, "clerk", "secret-pass-123")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_every_address(client, clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong", address=f"10.0.0.{n + 1}")
    assert login(client, "clerk", "secret-pass-123", address="10.9.9.9").status_code == 429


def test_an_address_guessing_many_accounts_is_locked(client, clerk, colleague, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{n}", "wrong", address="10.0.0.66")
    assert login(client, "colleague", "secret-pass-123", address="10.0.0.66").status_code == 429
    assert login(client, "clerk", "secret-pass-123", address="10.0.0.67").status_code == 302


def test_a_few_mistakes_do_not_lock_and_a_success_forgets_them(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "clerk", "wrong")
    assert login(client, "clerk", "secret-pass-123").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "clerk", "wrong")
    assert login(client, "clerk", "secret-pass-123").status_code == 302


def test_the_lockout_is_logged(client, clerk, settings, caplog):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong")
    lockouts = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "Locking out" in r.getMessage()]
    assert lockouts and "clerk" in lockouts[0] and "127.0.0.1" in lockouts[0]


def test_an_administrator_releases_a_locked_account(client, clerk, settings):
    from django.core.management import call_command

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong", address="10.0.0.5")
    assert login(client, "clerk", "secret-pass-123", address="10.0.0.6").status_code == 429
    call_command("axes_reset_username", "clerk")
    assert login(client, "clerk", "secret-pass-123", address="10.0.0.6").status_code == 302


# Password change and reset, from the header and the login page.
def test_the_header_offers_a_password_change(client, clerk):
    client.force_login(clerk)
    assert reverse("password_change") in client.get(reverse("reporting:overview", args=[SLUG])).content.decode()


def test_a_user_changes_their_password(client, clerk):
    client.cookies["django_language"] = "en"
    client.force_login(clerk)
    page = client.get(reverse("password_change")).content.decode()
    assert 'name="old_password"' in page and "Change password" in page
    new = "another-Pass-456"
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200 and 'class="form-control is-invalid"' in response.content.decode()
    response = client.post(
        reverse("password_change"), {"old_password": "secret-pass-123", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    clerk.refresh_from_db()
    assert clerk.check_password(new)


def test_password_change_needs_a_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_forgotten_password_is_reset_by_e_mail(client, clerk, mailoutbox):
    import re

    clerk.email = "clerk@example.gov.cn"
    clerk.save()
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "clerk@example.gov.cn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["clerk@example.gov.cn"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.context["validlink"] and 'name="new_password1"' in form.content.decode()
    new = "another-Pass-456"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert login(client, "clerk", new).status_code == 302


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, clerk, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
