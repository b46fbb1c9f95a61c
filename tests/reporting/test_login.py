from django.urls import reverse


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
