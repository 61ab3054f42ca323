"""Bad input never breaks the service: API errors are JSON {"detail": ...} with a 4xx, never a 500."""

import json

import pytest

from pevcoach.accounts.services import issue_api_token


@pytest.fixture
def api(client, cast):
    token = issue_api_token(user=cast["coach"])
    return lambda method, path, body=None: getattr(client, method)(
        path, json.dumps(body) if body is not None else None, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/v1/indicator-values?org_unit=K1%00&period=2025", None),
    ("post", "/api/v1/auth/token", {"username": "coach\u0000", "password": "x"}),
    ("post", "/api/v1/sync/push", {"changes": [{"op": "x", "kind": "create", "model": "actions",
                                                "data": {"description": "a\u0000b"}}]}),
    ("patch", "/api/v1/actions/4f0c5e4e-9a7c-4b0e-9d3e-2d9f3b7f1a11", {"completion_note": "\u0000"}),
])
def test_a_nul_character_is_refused_as_bad_input(api, method, path, body):
    response = api(method, path, body)
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/relationships/not-a-uuid", "/api/v1/nothing-here", "/api/v1/org-units/x"])
def test_an_unknown_api_path_answers_json(api, path):
    response = api("get", path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/org-units?limit=99999999999999999999&offset=1",
                                  "/api/v1/org-units?offset=99999999999999999999",
                                  "/api/v1/notifications?offset=99999999999999999999",
                                  "/api/v1/org-units/99999999999999999999"])
def test_numbers_beyond_what_the_database_holds_are_refused(api, path):
    assert api("get", path).status_code == 422


def test_ids_beyond_what_the_database_holds_are_refused(api, cast):
    response = api("post", "/api/v1/relationships", {"coach": 2**70, "coachee": 1, "aims": "a", "rhythm": "b"})
    assert response.status_code == 422


def test_a_measure_is_kept_to_the_cent_and_bounded(api, relationship, cast):
    from pevcoach.coaching.api import GoalPatch

    assert str(GoalPatch(target_value="83.333").target_value) == "83.33"
    with pytest.raises(ValueError):
        GoalPatch(target_value="1e3")
    with pytest.raises(ValueError):
        GoalPatch(target_value=10**11)


def test_a_csv_with_a_stray_carriage_return_is_refused_not_a_crash(db):
    from pevcoach.indicators import services

    with pytest.raises(services.ImportRejected) as refused:
        services.import_data_values(data=b'dataelement,period,orgunit,value\nPENTA1,202501,"K1\r",1\nx\rb"', name="x")
    assert refused.value.errors


@pytest.mark.parametrize("org_unit", ["²", "٣", "99999999999999999999999"])
def test_an_org_unit_that_looks_numeric_but_is_no_id_is_unknown(api, org_unit):
    from urllib.parse import quote

    response = api("get", f"/api/v1/indicator-values?org_unit={quote(org_unit)}&period=2025")
    assert response.status_code == 400 and response.json()["detail"]
