import datetime
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from pevcoach.coaching import services as coaching
from pevcoach.coaching.models import Action, Evidence, Session
from pevcoach.sync import services
from pevcoach.sync.models import Conflict
from pevcoach.sync.offline_pages import pages_for


def change(kind, model, data=None, id=None, base=None):
    return {"op": str(uuid.uuid4()), "kind": kind, "model": model, "id": str(id or uuid.uuid4()),
            "data": data or {}, "base": base}


def session_change(relationship, **notes):
    return change("create", "sessions", {"relationship": str(relationship.pk), "mode": "in_person",
                                         "scheduled_for": timezone.now().isoformat(), **notes})


def test_a_session_its_actions_and_evidence_arrive_in_order(cast, relationship):
    session = session_change(relationship, goal_notes="G", reality_notes="R", options_notes="O", will_notes="W")
    action = change("create", "actions", {"relationship": str(relationship.pk), "session": session["id"],
                                          "description": "Liste", "owner": cast["coachee"].pk,
                                          "due_date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()})
    close = change("update", "sessions", {"complete": True, "summary": "Fait"}, id=session["id"])
    evidence = change("create", "evidence", {"action": action["id"], "note": "Liste remise"})
    results = services.push(user=cast["coach"], changes=[session, action, close, evidence])
    assert [r["status"] for r in results] == ["applied"] * 4
    assert Session.objects.get(pk=session["id"]).status == "held"
    assert Evidence.objects.get().action_id == uuid.UUID(action["id"])


def test_replaying_the_same_batch_creates_nothing_more(cast, relationship):
    batch = [session_change(relationship, goal_notes="G")]
    first = services.push(user=cast["coach"], changes=batch)
    again = services.push(user=cast["coach"], changes=batch)
    assert again[0]["replayed"] and again[0]["id"] == first[0]["id"]
    fresh_op = [dict(batch[0], op=str(uuid.uuid4()))]
    assert services.push(user=cast["coach"], changes=fresh_op)[0]["status"] == "duplicate"
    assert Session.objects.count() == 1


def test_a_refused_change_says_why_and_the_next_ones_still_apply(cast, relationship):
    bad = change("create", "actions", {"relationship": str(relationship.pk), "description": "x",
                                       "owner": cast["coachee"].pk, "due_date": "2001-01-01"})
    good = session_change(relationship)
    results = services.push(user=cast["coach"], changes=[bad, good])
    assert results[0]["status"] == "rejected" and results[0]["error"]
    assert results[1]["status"] == "applied"
    assert not Action.objects.exists()


def test_an_outsider_cannot_push_into_someone_elses_relationship(cast, relationship, action):
    results = services.push(user=cast["outsider"], changes=[
        session_change(relationship),
        change("update", "actions", {"status": "done"}, id=action.pk, base={"status": "open"}),
    ])
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    action.refresh_from_db()
    assert action.status == "open" and not Session.objects.exists()


def test_edits_on_different_fields_merge(cast, action):
    coaching.update_action(by=cast["coach"], action=action, description="Liste des perdus de vue, par village")
    result = services.apply_change(user=cast["coachee"], change=change(
        "update", "actions", {"status": "done", "completion_note": "Fait"}, id=action.pk,
        base={"status": "open", "completion_note": ""}))
    action.refresh_from_db()
    assert result["status"] == "applied"
    assert (action.status, action.completion_note, action.description) == (
        "done", "Fait", "Liste des perdus de vue, par village")


def test_the_same_field_changed_twice_keeps_both_and_asks(cast, action):
    services.apply_change(user=cast["coach"], change=change(
        "update", "actions", {"completion_note": "Version du coach"}, id=action.pk, base={"completion_note": ""}))
    result = services.apply_change(user=cast["coachee"], change=change(
        "update", "actions", {"completion_note": "Version du coaché", "status": "done"}, id=action.pk,
        base={"completion_note": "", "status": "open"}))
    action.refresh_from_db()
    assert result["status"] == "conflict" and result["fields"] == ["completion_note"]
    assert action.completion_note == "Version du coach" and action.status == "done"
    conflict = Conflict.objects.get()
    assert (conflict.server_value, conflict.client_value) == ("Version du coach", "Version du coaché")
    services.resolve_conflict(by=cast["coachee"], conflict=conflict, keep="mine")
    action.refresh_from_db()
    assert action.completion_note == "Version du coaché"


def test_outsiders_cannot_settle_a_conflict(cast, action):
    services.apply_change(user=cast["coach"], change=change(
        "update", "actions", {"completion_note": "A"}, id=action.pk, base={"completion_note": ""}))
    services.apply_change(user=cast["coachee"], change=change(
        "update", "actions", {"completion_note": "B"}, id=action.pk, base={"completion_note": ""}))
    assert not services.conflicts_visible_to(cast["outsider"]).exists()
    with pytest.raises(PermissionDenied):
        services.resolve_conflict(by=cast["district_manager"], conflict=Conflict.objects.get(), keep="mine")


def test_pull_gives_the_scope_then_only_changes_and_tombstones(cast, relationship, action):
    first = services.pull(user=cast["coachee"])
    assert [r["id"] for r in first["records"]["actions"]] == [str(action.pk)]
    assert services.pull(user=cast["outsider"])["records"]["actions"] == []
    cursor = datetime.datetime.fromisoformat(first["cursor"])
    evidence = coaching.add_evidence(by=cast["coachee"], action=action, note="Photo floue")
    evidence_id = str(evidence.pk)
    coaching.withdraw_evidence(by=cast["coachee"], evidence=evidence)
    later = services.pull(user=cast["coachee"], since=cursor + services.CURSOR_OVERLAP)
    assert later["tombstones"] == [{"model": "evidence", "id": evidence_id}]
    assert later["records"]["actions"] == []  # nothing else changed
    assert services.pull(user=cast["outsider"], since=cursor)["tombstones"] == []


def test_offline_pages_are_the_users_own(cast, relationship, action, session):
    pages = pages_for(cast["coachee"])
    assert f"/coaching/r/{relationship.pk}/record/" in pages and f"/coaching/a/{action.pk}/" in pages
    assert not [p for p in pages_for(cast["outsider"]) if str(relationship.pk) in p or str(action.pk) in p]


def test_push_endpoint_with_session_needs_csrf_and_answers_413_on_big_batches(client, cast, relationship):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast["coach"])
    body = json.dumps({"changes": [session_change(relationship)]})
    assert strict.post("/api/v1/sync/push", body, content_type="application/json").status_code in (401, 403)
    strict.get("/")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    ok = strict.post("/api/v1/sync/push", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.json()["results"][0]["status"] == "applied"
    with override_settings(SYNC_MAX_BYTES=100):
        big = strict.post("/api/v1/sync/push", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert big.status_code == 413 and "detail" in big.json()


def test_a_batch_over_django_s_upload_limit_answers_413_json_with_a_token(client, cast, relationship):
    """The phone halves its batch on a 413: a body larger than Django reads must not turn into a 400 page."""
    from django.conf import settings

    from pevcoach.accounts.services import issue_api_token

    assert settings.SYNC_MAX_BYTES <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # else a batch between them is a 400
    token = issue_api_token(user=cast["coach"])
    body = json.dumps({"changes": [session_change(relationship, goal_notes="x" * 5000)]})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000, SYNC_MAX_BYTES=1000):
        big = client.post("/api/v1/sync/push", body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert big.status_code == 413 and big["Content-Type"].startswith("application/json") and big.json()["detail"]


@pytest.mark.parametrize("body", ["{", "[]", '{"changes": 3}', '{"changes": [1]}'])
def test_bad_push_bodies_are_400(client, cast, body):
    client.force_login(cast["coach"])
    response = client.post("/api/v1/sync/push", body, content_type="application/json")
    assert response.status_code == 400


def test_service_worker_and_manifest(client, db):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert "/static/sync/sync.js" in sw.content.decode()
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["short_name"] == "PEV Coach" and manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
