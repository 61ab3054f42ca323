"""What a phone starts with: the open records and a year of history, never ten years of it (issue 9).
A later pull still brings every change, however old the record, and a pull's queries do not grow
with the records it sends."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pevcoach.coaching import services as coaching
from pevcoach.coaching.models import Action, Goal, Session
from pevcoach.sync import services
from tests.coaching.conftest import goal_fields


def _age(model, obj, days):
    model.objects.filter(pk=obj.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def _ids(pull, kind):
    return {row["id"] for row in pull["records"][kind]}


def _held(relationship, cast):
    session = coaching.schedule_session(by=cast["coach"], relationship=relationship, mode=Session.Mode.PHONE,
                                        scheduled_for=timezone.now() + datetime.timedelta(days=1))
    session = coaching.update_session(by=cast["coach"], session=session, goal_notes="G", reality_notes="R",
                                      options_notes="O", will_notes="W")
    return coaching.complete_session(by=cast["coach"], session=session, summary="S")


def test_a_first_pull_brings_open_records_and_a_year_of_history(cast, relationship, soon, settings):
    settings.SYNC_HISTORY_DAYS = 365
    old_held, recent_held = _held(relationship, cast), _held(relationship, cast)
    coaching.confirm_session(by=cast["coachee"], session=old_held)
    old_done = coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                      description="Fait il y a longtemps", due_date=soon)
    coaching.complete_action(by=cast["coachee"], action=Action.objects.get(pk=old_done.pk))
    old_open = coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                      description="Toujours ouverte", due_date=soon)
    _age(Session, old_held, 800)
    _age(Action, old_done, 800)
    _age(Action, old_open, 800)
    first = services.pull(user=cast["coachee"])
    assert _ids(first, "sessions") == {str(recent_held.pk)}
    assert _ids(first, "actions") == {str(old_open.pk)}  # open, however old
    assert _ids(first, "relationships") == {str(relationship.pk)}
    settings.SYNC_HISTORY_DAYS = 0
    everything = services.pull(user=cast["coachee"])
    assert _ids(everything, "sessions") == {str(old_held.pk), str(recent_held.pk)}
    assert _ids(everything, "actions") == {str(old_done.pk), str(old_open.pk)}


def test_a_later_pull_brings_a_change_to_an_old_record(cast, relationship, soon, settings):
    settings.SYNC_HISTORY_DAYS = 365
    action = coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                    description="Ancienne", due_date=soon)
    coaching.complete_action(by=cast["coachee"], action=action)
    _age(Action, action, 800)
    cursor = datetime.datetime.fromisoformat(services.pull(user=cast["coachee"])["cursor"])
    coaching.update_action(by=cast["coach"], action=Action.objects.get(pk=action.pk), completion_note="Vérifié")
    later = services.pull(user=cast["coachee"], since=cursor + services.CURSOR_OVERLAP)
    assert _ids(later, "actions") == {str(action.pk)}


def test_a_pull_runs_as_many_queries_for_many_practice_goals_as_for_one(cast, relationship, soon):
    def practice_goal(n):
        goal = coaching.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(
            kind=Goal.Kind.PRACTICE, indicator="", statement=f"Tenir la liste {n}", baseline_value=40,
            target_value=100, practice="Relevé de température deux fois par jour", problem="checklist"))
        coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"], goal=goal,
                               description=f"Liste {n}", due_date=soon)

    practice_goal(0)
    with CaptureQueriesContext(connection) as few:
        services.pull(user=cast["coachee"])
    for n in range(1, 6):
        practice_goal(n)
    with CaptureQueriesContext(connection) as many:
        pulled = services.pull(user=cast["coachee"])
    assert len(pulled["records"]["goals"]) == 6
    assert len(many) == len(few)


def test_the_pages_after_a_cut_first_pull_keep_to_a_year_of_history(cast, relationship, soon, settings,
                                                                     monkeypatch):
    settings.SYNC_HISTORY_DAYS = 365
    monkeypatch.setattr(services, "PULL_LIMIT", 2)
    old_open = [coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                       description=f"Ouverte {n}", due_date=soon) for n in range(3)]
    old_done = coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                      description="Fermée il y a longtemps", due_date=soon)
    coaching.complete_action(by=cast["coachee"], action=Action.objects.get(pk=old_done.pk))
    for n, action in enumerate(old_open):
        _age(Action, action, 900 - n)  # the cut falls on an open record two years old
    _age(Action, old_done, 850)
    pulled, since = set(), None
    for _ in range(5):
        page = services.pull(user=cast["coachee"], since=since)
        pulled |= _ids(page, "actions")
        since = datetime.datetime.fromisoformat(page["cursor"])
        if not page["more"]:
            break
    assert pulled == {str(a.pk) for a in old_open}  # the closed one of two years ago never comes
