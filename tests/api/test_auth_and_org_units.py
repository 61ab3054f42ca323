import datetime

import pytest
from django.utils import timezone

from pevcoach.accounts.models import ApiToken
from tests.factories import PASSWORD


@pytest.fixture
def api(client):
    def call(method, path, user=None, **kwargs):
        headers = {}
        if user is not None:
            token = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                                content_type="application/json").json()["token"]
            headers["Authorization"] = f"Bearer {token}"
        return getattr(client, method)(f"/api/v1{path}", headers=headers, content_type="application/json", **kwargs)

    return call


def test_token_for_username_or_phone(client, cast):
    for login in ["coachee", "+22376112233"]:
        response = client.post("/api/v1/auth/token", {"username": login, "password": PASSWORD},
                               content_type="application/json")
        assert response.status_code == 200 and response.json()["token"]


def test_wrong_credentials_answer_401_json(client, cast):
    response = client.post("/api/v1/auth/token", {"username": "coachee", "password": "bad"},
                           content_type="application/json")
    assert response.status_code == 401 and "detail" in response.json()


@pytest.mark.parametrize("body", ["{", '{"username": 3}', "[]", '{"password": "x"}'])
def test_malformed_token_requests_get_4xx_json(client, db, body):
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert 400 <= response.status_code < 500 and "detail" in response.json()


def test_me_with_bearer_token(api, cast):
    body = api("get", "/me", user=cast["coach"]).json()
    assert body["username"] == "coach" and body["roles"] == ["coach"]


def test_no_or_bad_token_is_401(api, client, db):
    assert api("get", "/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_revoked_or_expired_tokens_stop_working(api, client, cast):
    token = client.post("/api/v1/auth/token", {"username": "coachee", "password": PASSWORD},
                        content_type="application/json").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_org_units_are_scoped(api, cast):
    body = api("get", "/org-units", user=cast["district_manager"]).json()
    assert {u["code"] for u in body["items"]} == {"DK", "K1", "K2"}


def test_org_unit_outside_scope_is_404(api, cast, tree):
    assert api("get", f"/org-units/{tree['K1'].pk}", user=cast["outsider"]).status_code == 404
    assert api("get", f"/org-units/{tree['K1'].pk}", user=cast["coachee"]).status_code == 200


def test_openapi_document_and_docs(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200
