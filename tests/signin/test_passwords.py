"""Password rules: 8 characters of 3 of the 4 kinds, not the user name, not one of the last 5; the messages say
which rule a password breaks, and the change page lists the rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from signin.models import PasswordHistory
from signin.validators import character_kinds

from .conftest import PASSWORD


def change(client, new, old=PASSWORD):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.fixture
def signed_in(client, clerk):
    client.cookies["django_language"] = "en"
    client.force_login(clerk)
    return client


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "This password is too short: use at least 8 characters."),
        ("abcdefgh2024", "This password has too few kinds of characters: mix at least 3 of"),
        ("ABCDEFGH!!!!", "This password has too few kinds of characters: mix at least 3 of"),
        ("my-CLERK-2025", "This password contains your user name."),
    ],
)
def test_a_weak_password_is_refused_with_a_clear_message(signed_in, clerk, password, message):
    response = change(signed_in, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_a_strong_password_is_taken(signed_in, clerk):
    response = change(signed_in, "Kept-apart-77")
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    clerk.refresh_from_db()
    assert clerk.check_password("Kept-apart-77")


def test_the_change_page_lists_the_rules(signed_in):
    page = signed_in.get(reverse("password_change")).content.decode()
    assert "At least 8 characters, mixing at least 3 of the 4 kinds" in page
    assert "It must not contain your user name." in page
    assert "It must differ from your last 5 passwords." in page


def test_the_rules_speak_chinese(clerk):
    """The messages are Chinese for Chinese users, and each is the rule's, not a generic one."""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("abc", clerk)
    assert "密码太短：至少需要 8 个字符。" in refused.value.messages


@pytest.mark.parametrize(
    ("password", "kinds"),
    [("abc", 1), ("aB", 2), ("aB3", 3), ("aB3!", 4), ("ab 3", 3), ("密码abc1", 3), ("", 0)],
)
def test_character_kinds(password, kinds):
    assert character_kinds(password) == kinds


def test_the_user_name_is_refused_in_any_case(clerk):
    with pytest.raises(ValidationError, match="user name"):
        validate_password("xxClErKxx-9", clerk)


def test_one_of_the_last_five_passwords_is_refused(signed_in, clerk):
    used = [f"Earlier-pass-{n}" for n in range(1, 7)]
    for password in used:  # as any change does: the history keeps the hashes of the last 5
        clerk.set_password(password)
        clerk.save()
    assert PasswordHistory.objects.filter(user=clerk).count() == 5
    signed_in.force_login(clerk)
    current = used[-1]
    for password in used[1:]:
        response = change(signed_in, password, old=current)
        assert "You used this password recently: choose one different from your last 5 passwords." in (
            response.content.decode()
        ), password
    response = change(signed_in, used[0], old=current)  # the sixth-last is allowed again
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(used[0])


def test_the_current_password_counts_even_without_a_history(signed_in, clerk):
    assert not PasswordHistory.objects.filter(user=clerk).exists()  # an account older than the history
    response = change(signed_in, PASSWORD)
    assert "You used this password recently" in response.content.decode()


def test_the_history_keeps_hashes_not_passwords(clerk):
    clerk.set_password("Earlier-pass-1")
    clerk.save()
    (kept,) = PasswordHistory.objects.filter(user=clerk).values_list("password", flat=True)
    assert "Earlier-pass-1" not in kept and kept == clerk.password


def test_the_history_length_comes_from_the_policy(clerk, settings):
    settings.PASSWORD_HISTORY_COUNT = 2
    for n in range(4):
        clerk.set_password(f"Earlier-pass-{n}")
        clerk.save()
    assert PasswordHistory.objects.filter(user=clerk).count() == 2
    validate_password("Earlier-pass-1", clerk)  # third-last: allowed
    with pytest.raises(ValidationError):
        validate_password("Earlier-pass-2", clerk)


def test_the_rules_apply_to_a_reset_by_e_mail(client, clerk, mailoutbox):
    import re

    clerk.email = "clerk@example.gov.cn"
    clerk.save()
    client.cookies["django_language"] = "en"
    client.post(reverse("password_reset"), {"email": clerk.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert "This password is too short" in response.content.decode()


def test_the_rules_apply_in_the_admin(client, administrator, clerk):
    client.cookies["django_language"] = "en"
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    response = client.post(url, {"password1": "clerk-Pass-1", "password2": "clerk-Pass-1", "usable_password": "true"})
    assert response.status_code == 200 and "This password contains your user name." in response.content.decode()
