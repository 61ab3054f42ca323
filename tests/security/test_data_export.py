"""A person's data, for a data-protection request: from their profile, or by an admin of their area."""

import json
import uuid

from pevcoach.audit.models import AuditEntry


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_a_person_downloads_everything_held_about_them(client, world):
    own = world["places"]["own"]
    coachee = own["coachee"]
    client.force_login(coachee)
    data = _download(client, "/profile/export/")
    assert data["profile"]["username"] == coachee.username and data["profile"]["org_unit"]["code"] == "K1"
    assert [r["id"] for r in data["relationships"]] == [str(own["relationship"].pk)]
    assert {s["goal_notes"] for s in data["sessions"]} == {"MARK-own-notes"}
    assert {g["statement"] for g in data["goals"]} == {"MARK-own-goal"}
    assert {a["description"] for a in data["actions"]} == {"MARK-own-action"}
    assert {e["note"] for e in data["evidence"]} == {"MARK-own-evidence"}
    assert {f["what_works"] for f in data["feedback_received"]} == {"MARK-own-feedback"}
    assert {f["comment"] for f in data["feedback_given"]} == {"RATING-own"}  # their own words, in full
    assert data["devices"][0]["label"] == "phone"
    assert "MARK-sibling" not in json.dumps(data) and "MARK-other" not in json.dumps(data)
    assert AuditEntry.objects.filter(action="export", object_id=str(coachee.pk), actor=coachee).exists()


def test_an_admin_of_the_area_makes_it_for_someone_without_their_ratings(client, world):
    own = world["places"]["own"]
    client.force_login(world["roles"]["dadmin"])
    data = _download(client, f"/people/{own['coachee'].pk}/export/")
    assert {a["description"] for a in data["actions"]} == {"MARK-own-action"}
    assert "RATING-own" not in json.dumps(data) and data["ratings_given"] == 1


def test_a_coach_gets_the_ratings_received_only_as_averages(client, world):
    own = world["places"]["own"]
    client.force_login(own["coach"])
    data = _download(client, "/profile/export/")
    assert data["ratings_received"]["count"] == 1 and data["ratings_received"]["averages"] is None  # < 3
    assert "RATING-own" not in json.dumps(data)


def test_no_one_else_may_export_a_person(client, world):
    sibling = world["places"]["sibling"]["coachee"]
    for role in ("coach", "coachee", "dmanager"):
        client.force_login(world["roles"][role])
        assert client.get(f"/people/{sibling.pk}/export/").status_code in (403, 404)
    client.force_login(world["roles"]["dadmin"])
    other = world["places"]["other"]["coachee"]
    assert client.get(f"/people/{other.pk}/export/").status_code == 404


def test_the_command_exports_a_person_for_the_operator_without_their_ratings(world, tmp_path):
    from django.core.management import call_command

    coachee = world["places"]["own"]["coachee"]
    out = tmp_path / "person.json"
    call_command("export_person", coachee.username, "--output", str(out))
    data = json.loads(out.read_text())
    assert data["profile"]["username"] == coachee.username
    assert "RATING-own" not in json.dumps(data) and data["ratings_given"] == 1  # counted only, as for an admin
    entry = AuditEntry.objects.get(action="export", object_id=str(coachee.pk))
    assert entry.changes == {"by": "manage.py export_person", "for_self": False}


def test_the_command_exports_in_full_for_the_person_themself(world, tmp_path):
    from django.core.management import call_command

    coachee = world["places"]["own"]["coachee"]
    out = tmp_path / "person.json"
    call_command("export_person", coachee.username, "--output", str(out), "--for-self")
    assert {f["comment"] for f in json.loads(out.read_text())["feedback_given"]} == {"RATING-own"}
    assert AuditEntry.objects.get(action="export", object_id=str(coachee.pk)).changes["for_self"] is True


def test_the_pages_record_whose_copy_it_was(client, world):
    coachee = world["places"]["own"]["coachee"]
    client.force_login(coachee)
    _download(client, "/profile/export/")
    client.force_login(world["roles"]["dadmin"])
    _download(client, f"/people/{coachee.pk}/export/")
    entries = AuditEntry.objects.filter(action="export", object_id=str(coachee.pk)).order_by("pk")
    assert [(e.actor_id, e.changes) for e in entries] == [
        (coachee.pk, {"for_self": True}), (world["roles"]["dadmin"].pk, {"for_self": False})]


def test_the_goals_are_read_in_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pevcoach.accounts.export import personal_data
    from pevcoach.coaching.models import Goal

    own = world["places"]["own"]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            personal_data(own["coachee"], for_self=True)
        return len(captured)

    def practice_goal(n):  # a copy of the goal: a practice goal's progress reads its actions
        goal = Goal.objects.get(pk=own["goal"].pk)
        goal.pk, goal.kind, goal.indicator, goal.latest_value = uuid.uuid4(), Goal.Kind.PRACTICE, "", None
        goal.statement = f"practice {n}"
        goal.save(force_insert=True)

    practice_goal(0)
    before = queries()
    for n in range(1, 4):
        practice_goal(n)
    assert queries() == before  # the actions of every goal (for its progress) in one query


def test_evidence_photos_are_served_only_to_those_who_see_the_evidence(client, world):
    evidence = world["places"]["own"]["evidence"]
    url = f"/coaching/e/{evidence.pk}/photo/"
    client.force_login(world["roles"]["coach"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    client.force_login(world["places"]["other"]["coach"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get("/media/" + evidence.photo.name).status_code == 404  # never a public file
