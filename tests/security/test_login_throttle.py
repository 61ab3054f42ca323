"""Login throttling: the web login and the API token endpoint share one mechanism (django-axes)."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from pevcoach.accounts import throttle
from tests.factories import PASSWORD

HERE, THERE = "10.0.0.1", "10.0.0.2"


def web_login(client, username, password, address):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(client, username, password, address):
    return client.post("/api/v1/auth/token", json.dumps({"username": username, "password": password}),
                       content_type="application/json", REMOTE_ADDR=address)


@pytest.fixture
def waits(monkeypatch):
    """The slow-down's waits, counted instead of slept."""
    slept = []
    monkeypatch.setattr(throttle, "sleep", slept.append)
    return slept


@pytest.mark.parametrize("login", [web_login, api_login])
def test_five_failures_lock_that_username_for_that_address(client, cast, login, waits):
    for _ in range(4):
        assert login(client, "coachee", "wrong-password", HERE).status_code in (200, 401)
    assert login(client, "coachee", "wrong-password", HERE).status_code == 429  # the fifth failure locks
    locked = login(client, "coachee", PASSWORD, HERE)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    # The owner, from their own phone, is not locked out; nor is another account from here.
    assert login(client, "coachee", PASSWORD, THERE).status_code in (200, 302)
    assert login(client, "sibling", PASSWORD, HERE).status_code in (200, 302)


def test_the_api_lockout_is_json(client, cast, waits):
    for _ in range(5):
        api_login(client, "coachee", "wrong", HERE)
    response = api_login(client, "coachee", PASSWORD, HERE)
    assert response.status_code == 429 and "detail" in response.json()


def test_the_web_lockout_shows_the_login_page_with_the_reason(client, cast, waits):
    for _ in range(5):
        web_login(client, "coachee", "wrong", HERE)
    response = web_login(client, "coachee", PASSWORD, HERE)
    assert response.status_code == 429
    assert b'name="username"' in response.content and b"15" in response.content


def test_a_phone_number_and_a_username_count_as_one_login(client, cast, waits):
    # cast coachee's phone is +22376112233: every spelling is the same login
    for spelling in ("76 11 22 33", "+22376112233", "76112233", "0022376112233", "76-11-22-33"):
        web_login(client, spelling, "wrong", HERE)
    assert web_login(client, "+223 76 11 22 33", PASSWORD, HERE).status_code == 429


def test_the_lock_ends_after_fifteen_minutes(client, cast, waits):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            web_login(client, "coachee", "wrong", HERE)
        assert web_login(client, "coachee", PASSWORD, HERE).status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        assert web_login(client, "coachee", PASSWORD, HERE).status_code == 302


def test_a_success_clears_the_failures_of_that_address(client, cast, waits):
    for _ in range(4):
        web_login(client, "coachee", "wrong", HERE)
    assert web_login(client, "coachee", PASSWORD, HERE).status_code == 302
    client.logout()
    for _ in range(4):
        web_login(client, "coachee", "wrong", HERE)
    assert web_login(client, "coachee", PASSWORD, HERE).status_code == 302


def test_failures_from_many_addresses_slow_the_username_down_without_locking_it(client, cast, waits):
    for n in range(30):  # a spread-out attack: never 5 from one address
        api_login(client, "coachee", "wrong", f"10.1.{n}.1")
    assert waits, "attempts beyond the threshold wait before the password is checked"
    assert waits == sorted(waits) and max(waits) == 3.0  # progressive, capped
    # The owner still gets in (after the wait), from an address that failed nothing.
    waits.clear()
    assert api_login(client, "coachee", PASSWORD, THERE).status_code == 200
    assert waits == [3.0]


def test_other_usernames_are_not_slowed_down(client, cast, waits):
    for n in range(30):
        api_login(client, "coachee", "wrong", f"10.1.{n}.1")
    waits.clear()
    assert api_login(client, "sibling", PASSWORD, THERE).status_code == 200
    assert waits == []


def test_the_slowdown_grows_by_half_a_second_from_the_threshold(settings):
    assert [throttle.delay_for(n) for n in (0, 9, 10, 11, 12, 15, 100)] == [0, 0, 0.5, 1.0, 1.5, 3.0, 3.0]


def test_sign_in_through_a_proxy_locks_the_client_address_not_the_proxy(client, cast, waits):
    for _ in range(5):
        client.post("/login/", {"username": "coachee", "password": "wrong"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="198.51.100.7")
    blocked = client.post("/login/", {"username": "coachee", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = client.post("/login/", {"username": "coachee", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                        HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert (blocked.status_code, other.status_code) == (429, 302)


@pytest.mark.parametrize("forwarded", ["not-an-address", "1.2.3.4, <script>", "999.1.1.1", "", "::1, fe80::1%eth0"])
def test_a_forged_forwarded_header_never_breaks_the_login(client, cast, waits, forwarded):
    response = client.post("/login/", {"username": "coachee", "password": "wrong"}, REMOTE_ADDR="10.0.0.9",
                           HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200
    assert throttle.client_ip(response.wsgi_request) in ("10.0.0.9", "fe80::1")
