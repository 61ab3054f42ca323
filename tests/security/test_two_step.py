"""Optional two-step sign-in (TOTP) for managers and administrators."""

import json
import time

import pytest

from pevcoach.accounts import services, totp
from tests.factories import PASSWORD


def test_the_codes_are_those_of_rfc_6238():
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59) == "287082" and totp.code_at(secret, 1111111109) == "081804"
    assert totp.verify(secret, "287082", moment=59 + 30) and not totp.verify(secret, "287082", moment=59 + 90)


@pytest.fixture
def protected(cast):
    manager = cast["district_manager"]
    secret = totp.new_secret()
    services.enable_two_step(user=manager, secret=secret, code=totp.code_at(secret, time.time()))
    return manager, secret


def test_a_manager_turns_it_on_from_the_profile(client, cast):
    client.force_login(cast["district_manager"])
    page = client.get("/profile/two-step/")
    secret = client.session["pev_two_step_secret"]
    assert secret in page.content.decode()
    assert client.post("/profile/two-step/", {"code": "000000"}).status_code == 200  # a wrong code: not on
    response = client.post("/profile/two-step/", {"code": totp.code_at(secret, time.time())})
    assert response.status_code == 302
    cast["district_manager"].refresh_from_db()
    assert cast["district_manager"].totp_secret == secret
    assert client.get("/profile/").status_code == 200  # this session stays signed in


def test_coachees_and_coaches_do_not_get_it(client, cast):
    client.force_login(cast["coachee"])
    assert client.get("/profile/two-step/").status_code == 403


def test_signing_in_then_asks_for_the_code(client, protected):
    manager, secret = protected
    response = client.post("/login/", {"username": manager.username, "password": PASSWORD})
    assert response["Location"] == "/login/code/"
    assert client.get("/profile/").status_code == 302  # not signed in yet
    assert client.post("/login/code/", {"code": "123456"}).status_code == 200
    response = client.post("/login/code/", {"code": totp.code_at(secret, time.time())})
    assert response.status_code == 302 and client.get("/profile/").status_code == 200


def test_five_wrong_codes_send_back_to_the_password(client, protected):
    manager, _ = protected
    client.post("/login/", {"username": manager.username, "password": PASSWORD})
    for _ in range(5):
        response = client.post("/login/code/", {"code": "000000"})
    assert response.status_code == 429  # five failed sign-ins: the login throttle locks this address out too
    assert client.get("/login/code/")["Location"] == "/login/"


def test_the_token_endpoint_wants_the_code_too(client, protected):
    manager, secret = protected
    body = {"username": manager.username, "password": PASSWORD}
    post = lambda b: client.post("/api/v1/auth/token", json.dumps(b), content_type="application/json")  # noqa: E731
    assert post(body).status_code == 401
    assert post(body | {"code": totp.code_at(secret, time.time())}).status_code == 200


def test_an_admin_resetting_the_password_turns_it_off(client, cast, protected):
    manager, _ = protected
    client.force_login(cast["district_admin"])
    client.post(f"/people/{manager.pk}/password/", {"new_password1": "Nouveau-pass-88",
                                                    "new_password2": "Nouveau-pass-88"})
    manager.refresh_from_db()
    assert manager.totp_secret == ""


def test_the_secret_never_reaches_the_audit_trail(protected):
    from pevcoach.audit.models import AuditEntry

    _, secret = protected
    assert not [e for e in AuditEntry.objects.all() if secret in json.dumps(e.changes)]


def test_wrong_codes_count_as_failed_sign_ins_for_the_throttle(client, protected):
    from pevcoach.accounts.throttle import recent_failures

    manager, _ = protected
    client.post("/login/", {"username": manager.username, "password": PASSWORD})
    client.post("/login/code/", {"code": "000000"})
    client.post("/login/code/", {"code": "000001"})
    assert recent_failures(manager.username) == 2


def _token(client, body, address="10.0.0.1"):
    return client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json", REMOTE_ADDR=address)


def test_wrong_codes_on_the_token_endpoint_lock_like_wrong_passwords(client, protected, monkeypatch):
    from pevcoach.accounts import throttle

    monkeypatch.setattr(throttle, "sleep", lambda seconds: None)
    manager, secret = protected
    body = {"username": manager.username, "password": PASSWORD}
    assert _token(client, body).status_code == 401  # no code yet: the app asks for it, not a failure
    assert throttle.recent_failures(manager.username) == 0
    for _ in range(4):
        assert _token(client, body | {"code": "000000"}).status_code == 401
    assert _token(client, body | {"code": "000000"}).status_code == 429  # the fifth wrong code locks
    assert _token(client, body | {"code": totp.code_at(secret, time.time())}).status_code == 429
    # The owner, from their own phone, is not locked out.
    assert _token(client, body | {"code": totp.code_at(secret, time.time())}, "10.0.0.2").status_code == 200


def test_wrong_codes_count_under_the_login_typed(client, protected, monkeypatch):
    from pevcoach.accounts import throttle

    monkeypatch.setattr(throttle, "sleep", lambda seconds: None)
    manager, _ = protected
    manager.phone = "+22376998877"
    manager.save(update_fields=["phone"])
    body = {"username": "76 99 88 77", "password": PASSWORD, "code": "000000"}
    for _ in range(5):
        _token(client, body)
    assert _token(client, body | {"username": "+22376998877"}).status_code == 429


def test_the_admin_signs_in_through_our_login_with_its_two_steps(client, cast):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/accounts/user/"
    assert client.get("/admin/login/")["Location"] == "/login/?next=/admin/"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302  # never its form
    client.force_login(cast["coachee"])
    assert client.get("/admin/login/").status_code == 403  # signed in, not staff: no password form either


def test_may_use_two_step_follows_the_rule_of_who_oversees_a_subtree(cast, monkeypatch):
    from pevcoach.orgunits import queries

    assert cast["district_manager"].may_use_two_step and not cast["coachee"].may_use_two_step
    monkeypatch.setattr(queries, "sees_subtree", lambda user: user.username == cast["coachee"].username)
    assert cast["coachee"].may_use_two_step and not cast["district_manager"].may_use_two_step


def test_someone_who_lost_the_role_still_turns_it_off(client, protected):
    manager, secret = protected
    manager.is_manager = False
    manager.save(update_fields=["is_manager"])
    client.force_login(manager)
    assert client.get("/profile/two-step/").status_code == 200
    response = client.post("/profile/two-step/", {"code": totp.code_at(secret, time.time())})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.totp_secret == ""
    assert client.get("/profile/two-step/").status_code == 403  # and cannot turn it on again
