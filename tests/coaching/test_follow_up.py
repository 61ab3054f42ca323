"""Remote follow-up: the coach records a phone call that reviews the open actions; it counts as a session."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pevcoach.coaching import services
from pevcoach.coaching.models import Action, Session


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def second_action(relationship, cast):
    return services.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coach"],
                                  description="Obtenir deux porte-vaccins", due_date=days(5))


def test_a_follow_up_is_a_completed_phone_session_that_updates_the_actions(relationship, action, second_action,
                                                                           cast):
    session = services.record_follow_up(
        by=cast["coach"], relationship=relationship, note="Appel: la liste est presque finie.",
        action_updates={action.pk: {"done": True}, second_action: {"due_date": days(12)}})
    assert (session.mode, session.is_follow_up, session.status) == (Session.Mode.PHONE, True, Session.Status.COMPLETED)
    assert session.coach_confirmed_at is not None and session.created_by == cast["coach"]
    assert session.summary.startswith("Appel: la liste est presque finie.")
    action.refresh_from_db()
    second_action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.completed_at is not None
    assert second_action.status == Action.Status.OPEN and second_action.due_date == days(12)
    assert second_action.version == 2


def test_an_action_kept_with_its_date_is_left_alone(relationship, action, cast):
    services.record_follow_up(by=cast["coach"], relationship=relationship, note="Rien de neuf",
                              action_updates={action.pk: {"due_date": action.due_date}})
    action.refresh_from_db()
    assert action.version == 1


def test_the_client_id_makes_the_session_id(relationship, cast):
    import uuid

    sid = uuid.uuid4()
    session = services.record_follow_up(by=cast["coach"], relationship=relationship, note="Appel", action_updates={},
                                        id=sid)
    assert session.pk == sid


def test_only_the_coach_records_a_follow_up(relationship, cast):
    for person in ("coachee", "outsider", "district_manager"):
        with pytest.raises(PermissionDenied):
            services.record_follow_up(by=cast[person], relationship=relationship, note="Appel", action_updates={})
    assert not Session.objects.exists()


def test_a_past_new_due_date_changes_nothing(relationship, action, second_action, cast):
    with pytest.raises(ValidationError):
        services.record_follow_up(by=cast["coach"], relationship=relationship, note="Appel",
                                  action_updates={action.pk: {"done": True}, second_action.pk: {"due_date": days(-1)}})
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN and not Session.objects.exists()


def test_actions_of_another_relationship_or_closed_ones_are_refused(relationship, action, cast):
    services.complete_action(by=cast["coachee"], action=action)
    with pytest.raises(ValidationError):
        services.record_follow_up(by=cast["coach"], relationship=relationship, note="Appel",
                                  action_updates={action.pk: {"done": True}})


def test_a_note_is_needed_and_the_relationship_must_be_active(relationship, cast):
    with pytest.raises(ValidationError):
        services.record_follow_up(by=cast["coach"], relationship=relationship, note="  ", action_updates={})
    services.change_relationship_status(by=cast["coach"], relationship=relationship, status="paused")
    with pytest.raises(ValidationError):
        services.record_follow_up(by=cast["coach"], relationship=relationship, note="Appel", action_updates={})


# --- The page --------------------------------------------------------------------------------------

def test_the_coach_records_a_follow_up_from_the_relationship_page(login, relationship, action, second_action, cast):
    client = login(cast["coach"])
    page = html.unescape(client.get(f"/coaching/r/{relationship.pk}/").content.decode())
    assert f"/coaching/r/{relationship.pk}/follow-up/" in page
    form = html.unescape(client.get(f"/coaching/r/{relationship.pk}/follow-up/").content.decode())
    assert action.description in form and second_action.description in form
    response = client.post(f"/coaching/r/{relationship.pk}/follow-up/", {
        "note": "Appel du mardi", f"decision_{action.pk}": "done", f"due_{action.pk}": action.due_date.isoformat(),
        f"decision_{second_action.pk}": "keep", f"due_{second_action.pk}": days(9).isoformat()})
    session = Session.objects.get(is_follow_up=True)
    assert response.status_code == 302 and response["Location"] == f"/coaching/s/{session.pk}/"
    assert Action.objects.get(pk=action.pk).status == Action.Status.DONE
    assert Action.objects.get(pk=second_action.pk).due_date == days(9)


def test_a_refused_date_is_shown_on_the_form(login, relationship, action, cast):
    response = login(cast["coach"]).post(f"/coaching/r/{relationship.pk}/follow-up/", {
        "note": "Appel", f"decision_{action.pk}": "keep", f"due_{action.pk}": days(-3).isoformat()})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Session.objects.exists()


def test_the_coachee_has_no_follow_up_form_and_the_outsider_no_page(login, relationship, cast):
    client = login(cast["coachee"])
    page = client.get(f"/coaching/r/{relationship.pk}/").content.decode()
    assert "/follow-up/" not in page
    assert client.get(f"/coaching/r/{relationship.pk}/follow-up/").status_code == 403
    client.logout()
    assert login(cast["outsider"]).get(f"/coaching/r/{relationship.pk}/follow-up/").status_code == 404
