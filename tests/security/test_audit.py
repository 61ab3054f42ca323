"""The audit trail: every change to coaching records, people and imports; sign-ins and refusals;
read by the administrators of the area; never changed nor deleted by the app."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pevcoach.accounts import services as accounts
from pevcoach.audit.models import AuditEntry
from pevcoach.coaching import services
from pevcoach.indicators import services as indicators
from tests.factories import PASSWORD
from tests.indicators.conftest import csv_text


def entries(**filters):
    return AuditEntry.objects.filter(**filters)


def test_a_coaching_change_records_who_when_what_and_from_where(client, cast, relationship, soon):
    client.force_login(cast["coach"])
    response = client.post(f"/coaching/r/{relationship.pk}/actions/new/", {
        "description": "Faire la liste", "owner": cast["coachee"].pk, "due_date": soon.isoformat()},
        REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Android 9 Chrome")
    assert response.status_code == 302
    entry = entries(object_type="coaching.action").latest("pk")
    assert entry.action == "create" and entry.actor == cast["coach"]
    assert entry.changes["description"] == [None, "Faire la liste"]
    assert (entry.ip, entry.user_agent) == ("10.9.8.7", "Android 9 Chrome")
    assert entry.org_unit_path == relationship.org_unit.path
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def test_an_update_records_only_what_changed_before_and_after(client, cast, action):
    client.force_login(cast["coachee"])
    response = client.patch(f"/api/v1/actions/{action.pk}", {"status": "done", "completion_note": "Fait"},
                            content_type="application/json")
    assert response.status_code == 200
    entry = entries(object_type="coaching.action", action="update").latest("pk")
    assert entry.changes == {"status": ["open", "done"], "completion_note": ["", "Fait"],
                             "completed_at": [None, entry.changes["completed_at"][1]]}
    assert entry.actor == cast["coachee"]


def test_changes_made_outside_a_request_are_recorded_without_an_actor(cast, action):
    """Commands and the demo loader act as the system: the entry has no actor, but it is there."""
    services.update_action(by=cast["coachee"], action=action, status="done")
    entry = entries(object_type="coaching.action", action="update").latest("pk")
    assert entry.actor is None and entry.changes["status"] == ["open", "done"]


def test_a_coachees_ratings_never_reach_the_trail(cast, relationship):
    services.rate_support(by=cast["coachee"], relationship=relationship, comment="Pas assez présent",
                          session_useful=1, listened_to=2, support_received=1)
    entry = entries(object_type="coaching.feedback").latest("pk")
    assert "Pas assez présent" not in str(entry.changes) and entry.changes["session_useful"] == ["(hidden)"] * 2


def test_people_roles_and_access_changes_are_recorded(cast):
    someone = cast["sibling"]
    accounts.update_person(user=someone, org_unit=someone.org_unit, roles=["coachee", "coach"], is_active=False)
    entry = entries(object_type="accounts.user", object_id=str(someone.pk), action="update").latest("pk")
    assert entry.changes["is_coach"] == [False, True] and entry.changes["is_active"] == [True, False]
    assert entries(object_type="accounts.user", object_id=str(someone.pk), action="revoke").exists()


def test_passwords_never_reach_the_trail(cast):
    accounts.reset_password(user=cast["coachee"], password="Tout-nouveau-42")
    entry = entries(object_type="accounts.user", object_id=str(cast["coachee"].pk), action="update").latest("pk")
    assert entry.changes == {"password": ["(hidden)", "(hidden)"]}


def test_each_import_is_one_entry_with_its_counts(cast, tree):
    data = csv_text([("PENTA1", "202501", "K1", 12), ("PENTA3", "202501", "K1", 10)])
    log = indicators.import_data_values(data=data, name="jan.csv", user=cast["superuser"])
    entry = entries(action="import").latest("pk")
    assert entry.object_id == str(log.pk) and entry.changes["created"] == 2 and entry.actor == cast["superuser"]


def test_a_refused_import_is_recorded_too(cast, tree):
    with pytest.raises(indicators.ImportRejected):
        indicators.import_data_values(data=csv_text([("PENTA1", "202501", "NOPE", 1)]), name="bad.csv",
                                      user=cast["superuser"])
    assert entries(action="import_rejected").exists()


def test_sign_ins_failures_and_sign_outs_are_recorded(client, cast):
    client.post("/login/", {"username": "coachee", "password": "wrong"}, REMOTE_ADDR="10.0.0.3")
    client.post("/login/", {"username": "coachee", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    client.post("/logout/")
    failed, login, logout = (entries(action=a).latest("pk") for a in ("login_failed", "login", "logout"))
    assert failed.object_id == str(cast["coachee"].pk) and failed.ip == "10.0.0.3" and failed.actor is None
    assert login.actor == cast["coachee"] and logout.actor == cast["coachee"]


def test_refused_accesses_of_signed_in_people_are_recorded(client, cast, relationship):
    client.force_login(cast["outsider"])
    assert client.get(f"/coaching/r/{relationship.pk}/").status_code == 404
    assert client.get("/people/").status_code == 403
    refused = list(entries(action="denied", actor=cast["outsider"]).values_list("changes", flat=True))
    assert {r["status"] for r in refused} == {403, 404}


def test_the_trail_is_append_only(cast):
    entry = AuditEntry.objects.latest("pk")
    entry.action = "delete"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(action="x")


def test_admins_read_the_trail_of_their_area_only(client, cast, relationship):
    far = accounts.create_invitation(created_by=cast["superuser"], org_unit=cast["far_admin"].org_unit,
                                     expires_on=timezone.localdate() + datetime.timedelta(days=3), label="far")
    client.force_login(cast["district_admin"])
    page = client.get("/audit/").content.decode()
    assert "Réduire l&#x27;abandon" in page or "Réduire" in page  # the relationship of district K
    assert far.code not in page
    client.force_login(cast["far_admin"])
    assert "Réduire" not in client.get("/audit/").content.decode()


def test_the_trail_filters_by_person_and_by_record(client, cast, relationship, action):
    client.force_login(cast["region_manager"])
    by_record = client.get(f"/audit/?object={action.pk}").content.decode()
    assert "coaching.action" in by_record and "coaching.relationship" not in by_record
    accounts.update_profile(user=cast["coachee"], job_title="infirmier")
    by_person = client.get(f"/audit/?person={cast['coachee'].pk}").content.decode()
    assert "accounts.user" in by_person and "infirmier" in by_person and "coaching.action" not in by_person


@pytest.mark.parametrize("who", ["coach", "coachee", "district_manager"])
def test_others_may_not_read_the_trail(client, cast, who):
    client.force_login(cast[who])
    assert client.get("/audit/").status_code == 403


def test_the_admin_shows_the_trail_read_only(client, cast, relationship):
    client.force_login(cast["superuser"])
    entry = AuditEntry.objects.latest("pk")
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
