"""Web sessions expire (30 minutes idle, 12 hours at most); disabling someone ends everything at once."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from pevcoach.accounts import services
from pevcoach.accounts.services import issue_api_token
from tests.factories import PASSWORD


def signed_in(client):
    return client.get("/profile/").status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_thirty_minutes_without_a_request_end_the_session(client, cast, clock):
    assert client.login(username="coachee", password=PASSWORD)
    clock.shift(datetime.timedelta(minutes=29))
    assert signed_in(client)  # each request renews the 30 minutes
    clock.shift(datetime.timedelta(minutes=29))
    assert signed_in(client)
    clock.shift(datetime.timedelta(minutes=31))
    assert not signed_in(client)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, cast, clock):
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    for _ in range(24 * 2):  # a request every 20 minutes, all day long
        clock.shift(datetime.timedelta(minutes=20))
        if not signed_in(client):
            break
    assert not signed_in(client)


def test_the_twelve_hours_count_from_sign_in(client, cast, clock):
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    for _ in range(35):  # 11 h 40
        clock.shift(datetime.timedelta(minutes=20))
        assert signed_in(client)
    clock.shift(datetime.timedelta(minutes=25))  # 12 h 05
    assert not signed_in(client)


def test_the_session_cookie_is_http_only_and_lax(client, cast):
    response = client.post("/login/", {"username": "coachee", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 1800


def test_disabling_someone_ends_their_sessions_and_tokens_at_once(client, cast):
    coachee = cast["coachee"]
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    token = issue_api_token(user=coachee)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert signed_in(client) and client.get("/api/v1/me", **bearer).status_code == 200

    services.update_person(user=coachee, org_unit=coachee.org_unit, roles=coachee.roles, is_active=False)

    assert not signed_in(client)
    assert client.get("/api/v1/me", **bearer).status_code == 401
    assert coachee.api_tokens.filter(revoked_at__isnull=True).count() == 0


def test_enabling_them_again_does_not_revive_the_old_session(client, cast):
    coachee = cast["coachee"]
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    services.update_person(user=coachee, org_unit=coachee.org_unit, roles=coachee.roles, is_active=False)
    services.update_person(user=coachee, org_unit=coachee.org_unit, roles=coachee.roles, is_active=True)
    assert not signed_in(client)


def test_the_api_tells_a_disabled_accounts_phone_to_wipe(client, cast):
    coachee = cast["coachee"]
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    token = issue_api_token(user=coachee)
    services.update_person(user=coachee, org_unit=coachee.org_unit, roles=coachee.roles, is_active=False)

    by_session = client.get("/api/v1/sync/pull")
    by_token = client.get("/api/v1/sync/pull", HTTP_AUTHORIZATION=f"Bearer {token}")
    for response in (by_session, by_token):
        assert response.status_code == 401
        assert response.json()["code"] == "account_disabled"
    # The page the phone lands on tells sync.js to wipe too.
    assert b"data-account-disabled" in client.get("/login/").content


def test_an_expired_session_only_asks_to_sign_in_again(client, cast, clock):
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    clock.shift(datetime.timedelta(hours=1))
    response = client.get("/api/v1/sync/pull")
    assert response.status_code == 401 and "code" not in response.json()  # the outbox waits, nothing is wiped


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(client, cast):
    other = type(client)()
    other.post("/login/", {"username": "coachee", "password": PASSWORD})
    client.post("/login/", {"username": "coachee", "password": PASSWORD})
    response = client.post("/profile/password/", {"old_password": PASSWORD, "new_password1": "Brand-new-pass-31",
                                                   "new_password2": "Brand-new-pass-31"})
    assert response.status_code == 302
    assert signed_in(client) and not signed_in(other)


def test_devices_are_listed_and_revocable_on_the_profile_and_last_thirty_days_at_most(client, cast, settings):
    token = issue_api_token(user=cast["coachee"], label="Android phone")
    record = cast["coachee"].api_tokens.get()
    assert record.expires_at - record.created_at <= datetime.timedelta(days=30)
    client.force_login(cast["coachee"])
    assert "Android phone" in client.get("/profile/").content.decode()
    client.post(f"/profile/tokens/{record.pk}/revoke/")
    phone = type(client)()
    assert phone.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_token_of_more_than_thirty_days_is_refused_by_the_settings(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "import pevcoach.settings"], capture_output=True, text=True,
                            env={"SECRET_KEY": "x", "API_TOKEN_DAYS": "90", "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode != 0 and "API_TOKEN_DAYS" in result.stderr


def test_passwords_are_hashed_with_argon2_and_checked_for_length_and_commonness():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    import pevcoach.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    for weak in ("short1", "password123", "azertyuiop"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Vaccin-Sikasso-2026")


def test_json_login_body_is_checked(client, cast):
    response = client.post("/api/v1/auth/token", json.dumps({"username": "coachee"}), content_type="application/json")
    assert response.status_code == 422 and "detail" in response.json()
