import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def test_anonymous_visitor_of_home_lands_on_login_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "Se connecter" in html


@pytest.mark.parametrize("login_name", ["coachee", "COACHEE", "+22376112233", "76 11 22 33", "0022376112233"])
def test_login_by_username_or_phone(client, cast, login_name):
    response = client.post(reverse("accounts:login"), {"username": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == cast["coachee"]


def test_wrong_password_says_so_in_french(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "coachee", "password": "nope-nope"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pending_account_cannot_sign_in(client, cast):
    cast["coachee"].is_active = False
    cast["coachee"].save()
    response = client.post(reverse("accounts:login"), {"username": "coachee", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_logout_ends_the_session(login, cast):
    client = login(cast["coachee"])
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302
