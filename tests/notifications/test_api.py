"""In-app notifications over the API: each person reads and marks only their own."""

import pytest

from pevcoach.notifications.models import Notification
from tests.factories import PASSWORD
from tests.notifications.test_delivery import message_for


@pytest.fixture
def api(client):
    tokens = {}

    def call(user, method, path, body=None):
        if user.pk not in tokens:
            tokens[user.pk] = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                                          content_type="application/json").json()["token"]
        return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json",
                                       headers={"Authorization": f"Bearer {tokens[user.pk]}"})

    return call


def test_list_count_and_read_ones_own(api, cast):
    mine = message_for(cast["coachee"], title="Séance demain")
    message_for(cast["coach"])
    response = api(cast["coachee"], "get", "/notifications")
    assert response.status_code == 200
    assert [n["id"] for n in response.json()] == [str(mine.pk)]
    assert response.json()[0]["title"] == "Séance demain" and response.json()[0]["read_at"] is None
    assert api(cast["coachee"], "get", "/notifications/unread-count").json() == {"count": 1}
    read = api(cast["coachee"], "post", f"/notifications/{mine.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert api(cast["coachee"], "get", "/notifications?unread=true").json() == []


def test_the_outsider_can_neither_read_nor_mark_anothers(api, cast):
    theirs = message_for(cast["coachee"])
    assert api(cast["outsider"], "get", "/notifications").json() == []
    response = api(cast["outsider"], "post", f"/notifications/{theirs.pk}/read")
    assert response.status_code == 404 and "detail" in response.json()
    assert api(cast["outsider"], "post", "/notifications/read-all").json() == {"count": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all(api, cast):
    message_for(cast["coachee"])
    message_for(cast["coachee"])
    assert api(cast["coachee"], "post", "/notifications/read-all").json() == {"count": 2}


def test_without_a_token_the_api_answers_401(client, db):
    assert client.get("/api/v1/notifications").status_code == 401


def test_paging_is_bounded_by_what_the_schema_says(api, cast):
    made = [message_for(cast["coachee"]) for _ in range(3)]
    page = api(cast["coachee"], "get", "/notifications?limit=2&offset=1").json()
    assert len(page) == 2 and {n["id"] for n in page} <= {str(m.pk) for m in made}
    assert api(cast["coachee"], "get", "/notifications?limit=200").status_code == 200
    for query in ("limit=201", "limit=0", "offset=-1"):
        response = api(cast["coachee"], "get", f"/notifications?{query}")
        assert response.status_code == 422 and response.json()["detail"], query
    parameters = {p["name"]: p["schema"] for p in api(cast["coachee"], "get", "/openapi.json").json()
                  ["paths"]["/api/v1/notifications"]["get"]["parameters"]}
    assert parameters["limit"]["maximum"] == 200
