import base64
import datetime
import uuid

import pytest
from django.utils import timezone

from pevcoach.coaching.models import Action, Evidence, Goal, Relationship, Session
from tests.coaching.test_services import photo
from tests.factories import PASSWORD


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


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_create_relationship_and_accept(api, cast):
    rid = str(uuid.uuid4())
    body = {"id": rid, "coach": cast["coach"].pk, "coachee": cast["coachee"].pk, "aims": "Abandon",
            "rhythm": "Mensuel"}
    response = api(cast["coach"], "post", "/relationships", body)
    assert response.status_code == 201 and response.json()["status"] == "proposed"
    assert api(cast["coach"], "post", "/relationships", body).status_code == 200
    assert Relationship.objects.count() == 1
    response = api(cast["coachee"], "patch", f"/relationships/{rid}", {"accept": True})
    assert response.json()["status"] == "active"


def test_session_with_grow_notes_idempotent_and_conflicting(api, cast, relationship):
    sid = str(uuid.uuid4())
    body = {"id": sid, "relationship": str(relationship.pk), "scheduled_for": "2026-12-01T09:00:00Z",
            "mode": "in_person", "goal_notes": "Abandon < 10 %", "reality_notes": "18 %"}
    first = api(cast["coach"], "post", "/sessions", body)
    assert first.status_code == 201 and first.json()["reality_notes"] == "18 %"
    same = dict(body, scheduled_for="2026-12-01T10:00:00+01:00")  # the same instant written otherwise
    assert api(cast["coach"], "post", "/sessions", same).status_code == 200
    clash = api(cast["coach"], "post", "/sessions", dict(body, reality_notes="autre chose"))
    assert clash.status_code == 409 and "detail" in clash.json()
    assert Session.objects.count() == 1


def test_a_read_record_posts_back_under_a_new_id(api, cast, relationship):
    body = {"id": str(uuid.uuid4()), "relationship": str(relationship.pk), "description": "Liste des perdus de vue",
            "owner": cast["coachee"].pk, "due_date": in_days(10)}
    created = api(cast["coach"], "post", "/actions", body).json()
    again = dict(created, id=str(uuid.uuid4()))
    response = api(cast["coach"], "post", "/actions", again)
    assert response.status_code == 201
    assert Action.objects.count() == 2 and response.json()["version"] == 1


def test_goal_via_api_with_smart_errors(api, cast, relationship):
    good = {"id": str(uuid.uuid4()), "relationship": str(relationship.pk), "statement": "Abandon à 10 %",
            "indicator": "DOR_P1P3", "baseline_value": 18, "target_value": 10, "source": "DHIS2",
            "problem": "dropout", "deadline": in_days(90), "review_dates": [in_days(30)]}
    assert api(cast["coachee"], "post", "/goals", good).status_code == 201
    assert api(cast["coachee"], "post", "/goals", good).status_code == 200
    bad = dict(good, id=str(uuid.uuid4()), deadline="2001-01-01")
    response = api(cast["coachee"], "post", "/goals", bad)
    assert response.status_code == 400 and "passée" in str(response.json()["detail"])
    assert Goal.objects.count() == 1


def test_action_done_through_patch(api, cast, action):
    response = api(cast["coachee"], "patch", f"/actions/{action.pk}",
                   {"status": "done", "completion_note": "Remise aux relais"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["version"] == 2


def test_evidence_photo_as_base64(api, cast, action):
    data = base64.b64encode(photo().read()).decode()
    body = {"id": str(uuid.uuid4()), "action": str(action.pk), "note": "Liste", "photo_base64": data}
    response = api(cast["coachee"], "post", "/evidence", body)
    assert response.status_code == 201 and response.json()["photo_url"]
    assert api(cast["coachee"], "post", "/evidence", body).status_code == 200
    bad = {"id": str(uuid.uuid4()), "action": str(action.pk), "photo_base64": base64.b64encode(b"zz").decode()}
    assert api(cast["coachee"], "post", "/evidence", bad).status_code == 400
    assert Evidence.objects.count() == 1
    review = api(cast["coach"], "patch", f"/evidence/{body['id']}", {"review": "accepted"})
    assert review.json()["review"] == "accepted"


def test_evidence_photo_is_served_to_a_bearer_token_and_hidden_from_another_coachee(api, cast, action):
    raw = photo().read()
    body = {"id": str(uuid.uuid4()), "action": str(action.pk), "photo_base64": base64.b64encode(raw).decode()}
    url = api(cast["coachee"], "post", "/evidence", body).json()["photo_url"]
    assert url == f"/api/v1/evidence/{body['id']}/photo"
    for person in ("coachee", "coach"):
        response = api(cast[person], "get", url.removeprefix("/api/v1"))
        assert response.status_code == 200 and response["Content-Type"].startswith("image/")
        assert b"".join(response.streaming_content) == raw
    other = api(cast["sibling"], "get", url.removeprefix("/api/v1"))  # a coachee of another relationship
    assert other.status_code == 404 and other.json()["detail"]
    assert api(cast["coachee"], "get", f"/evidence/{uuid.uuid4()}/photo").status_code == 404


def test_feedback_and_checklist(api, cast, relationship, template):
    items = [i for s in template.sections.all() for i in s.items.all()]
    body = {"id": str(uuid.uuid4()), "relationship": str(relationship.pk), "template": template.pk,
            "answers": [{"item": i.pk, "score": "yes" if n else "no"} for n, i in enumerate(items)]}
    response = api(cast["coach"], "post", "/checklists", body)
    assert response.status_code == 201 and float(response.json()["score_percent"]) < 100
    assert api(cast["coach"], "post", "/checklists", body).status_code == 200
    assert Action.objects.filter(status="proposed").count() == 1
    rating = {"id": str(uuid.uuid4()), "relationship": str(relationship.pk), "session_useful": 5,
              "listened_to": 4, "support_received": 4}
    assert api(cast["coachee"], "post", "/feedback", rating).status_code == 201
    assert api(cast["coach"], "get", "/feedback").json() == []


def test_outsider_reaches_nothing_by_id_or_in_lists(api, cast, relationship, session, action):
    outsider = cast["outsider"]
    for path in ("/relationships", "/sessions", "/actions", "/goals", "/evidence", "/feedback", "/checklists"):
        assert api(outsider, "get", path).json() == [], path
    for path in (f"/relationships/{relationship.pk}", f"/sessions/{session.pk}", f"/actions/{action.pk}"):
        assert api(outsider, "get", path).status_code == 404
        assert api(outsider, "patch", path, {}).status_code == 404
    body = {"id": str(uuid.uuid4()), "relationship": str(relationship.pk), "description": "x",
            "owner": cast["coachee"].pk, "due_date": in_days(3)}
    assert api(outsider, "post", "/actions", body).status_code == 404
    same_id = {"id": str(action.pk), "relationship": str(relationship.pk), "description": action.description,
               "owner": cast["coachee"].pk, "due_date": action.due_date.isoformat()}
    assert api(outsider, "post", "/actions", same_id).status_code == 409


def test_manager_reads_but_cannot_write(api, cast, action):
    assert api(cast["district_manager"], "get", f"/actions/{action.pk}").status_code == 200
    assert api(cast["district_manager"], "patch", f"/actions/{action.pk}", {"status": "done"}).status_code == 403


@pytest.mark.parametrize("body", [{}, {"relationship": "not-a-uuid"}, {"id": "x"},
                                  {"relationship": str(uuid.uuid4()), "description": "x", "owner": 1,
                                   "due_date": "2026-13-45"}])
def test_bad_input_is_4xx_json(api, cast, body):
    response = api(cast["coach"], "post", "/actions", body)
    assert 400 <= response.status_code < 500 and "detail" in response.json()
