
"""Each kind of reminder is generated once, at the right time, for the right people."""


import datetime

import pytest

from pevcoach.coaching import services as coaching
from pevcoach.coaching.models import Session
from pevcoach.notifications import services
from pevcoach.notifications.models import Delivery, Kind, Notification
from tests.notifications.conftest import bamako


def kinds_for(person):
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_session_reminders_come_the_day_before_and_the_morning_of(clock, cast, relationship):
    clock.go(bamako(2025, 3, 10, 9))
    coaching.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=bamako(2025, 3, 12, 10),
                              mode=Session.Mode.IN_PERSON, place="CSCom K1")
    clock.go(bamako(2025, 3, 11, 6, 45))  # the day before, before the morning hour
    services.send_reminders()
    assert not Notification.objects.exists()
    clock.go(bamako(2025, 3, 11, 7, 15))
    services.send_reminders()
    services.send_reminders()
    assert kinds_for(cast["coach"]) == kinds_for(cast["coachee"]) == [Kind.SESSION_TOMORROW]
    clock.go(bamako(2025, 3, 12, 7))
    services.send_reminders()
    assert kinds_for(cast["coachee"]) == [Kind.SESSION_TODAY, Kind.SESSION_TOMORROW]
    clock.go(bamako(2025, 3, 12, 11))  # after the session: nothing more
    services.send_reminders()
    assert Notification.objects.count() == 4


def test_action_reminders_come_two_days_before_and_once_overdue(clock, cast, relationship):
    clock.go(bamako(2025, 3, 1, 9))
    coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                           description="Faire la liste des perdus de vue", due_date=datetime.date(2025, 3, 14))
    for day in range(2, 17):
        clock.go(bamako(2025, 3, day, 8))
        services.send_reminders()
        if day == 12:
            assert kinds_for(cast["coachee"]) == [Kind.ACTION_DUE_SOON]
    assert kinds_for(cast["coachee"]) == [Kind.ACTION_DUE_SOON, Kind.ACTION_OVERDUE]
    overdue = Notification.objects.get(kind=Kind.ACTION_OVERDUE)
    assert overdue.created_at == bamako(2025, 3, 15, 8)
    assert kinds_for(cast["coach"]) == []  # the owner is reminded; the coach sees it in the digest


def test_a_goal_deadline_approaching_reminds_both_parties_once(clock, cast, relationship):
    clock.go(bamako(2025, 1, 10, 9))
    coaching.set_goal(by=cast["coach"], relationship=relationship, kind="practice",
                      statement="Relever la température deux fois par jour", practice="Relevé de température",
                      baseline_value=40, target_value=100, source="Fiche de température", problem="checklist",
                      deadline=datetime.date(2025, 3, 20), review_dates=[datetime.date(2025, 2, 10)])
    clock.go(bamako(2025, 3, 12, 8))
    services.send_reminders()
    assert not Notification.objects.exists()
    clock.go(bamako(2025, 3, 13, 8))
    services.send_reminders()
    clock.go(bamako(2025, 3, 14, 8))
    services.send_reminders()
    assert kinds_for(cast["coach"]) == kinds_for(cast["coachee"]) == [Kind.GOAL_DEADLINE]


def test_evidence_waiting_for_review_tells_the_other_party(clock, cast, relationship):
    clock.go(bamako(2025, 3, 10, 22))
    action = coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                    description="Liste des perdus de vue", due_date=datetime.date(2025, 3, 20))
    coaching.add_evidence(by=cast["coachee"], action=action, note="Liste remise aux relais")
    services.send_reminders()
    services.send_reminders()
    assert kinds_for(cast["coach"]) == [Kind.EVIDENCE_TO_REVIEW]
    assert kinds_for(cast["coachee"]) == []


def test_a_waiting_proposal_reminds_who_has_not_accepted_and_again_when_it_changes(clock, cast):
    clock.go(bamako(2025, 3, 10, 10))
    proposal = coaching.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                             aims="Réduire l'abandon", rhythm="Une visite par mois")
    services.send_reminders()
    services.send_reminders()
    assert kinds_for(cast["coachee"]) == [Kind.PROPOSAL_WAITING] and kinds_for(cast["coach"]) == []
    coaching.update_agreement(by=cast["coach"], relationship=proposal, aims="Réduire l'abandon à 10 %",
                              rhythm="Une visite par mois")
    services.send_reminders()
    assert kinds_for(cast["coachee"]) == [Kind.PROPOSAL_WAITING, Kind.PROPOSAL_WAITING]


@pytest.mark.usefixtures("english")
def test_the_weekly_digest_names_the_coachees_who_need_attention(clock, cast, relationship):
    clock.go(bamako(2025, 3, 1, 9))
    coaching.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                           description="Liste des perdus de vue", due_date=datetime.date(2025, 3, 5))
    clock.go(bamako(2025, 3, 10, 7, 30))  # a Monday
    services.send_weekly_digests()
    services.send_weekly_digests()
    digest = Notification.objects.get(kind=Kind.WEEKLY_DIGEST)
    assert digest.recipient == cast["coach"] and digest.occasion == "2025-W11"
    assert str(cast["coachee"]) in digest.body and "1 action overdue" in digest.body


def test_the_weekly_digest_leaves_out_coaches_whose_coachees_are_fine(clock, cast, relationship):
    clock.go(bamako(2025, 3, 1, 9))
    coaching.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=bamako(2025, 3, 20, 9),
                              mode=Session.Mode.IN_PERSON)
    clock.go(bamako(2025, 3, 10, 7, 30))
    services.send_weekly_digests()
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("english")
def test_the_monthly_summary_goes_to_the_managers_above_the_coaching(clock, cast, relationship):
    clock.go(bamako(2025, 2, 10, 9))
    coaching.record_follow_up(by=cast["coach"], relationship=relationship, note="Appel: la liste avance",
                              action_updates={})
    clock.go(bamako(2025, 3, 1, 7, 5))
    services.send_monthly_summaries()
    services.send_monthly_summaries()
    summaries = Notification.objects.filter(kind=Kind.MONTHLY_SUMMARY)
    assert {n.recipient for n in summaries} == {cast["district_manager"], cast["region_manager"]}
    assert "Sessions completed: 1 (of which remote follow-ups: 1)" in summaries[0].body
    assert summaries[0].occasion == "2025-03"


def test_messages_are_written_in_the_language_of_each_recipient(clock, cast, relationship):
    cast["coach"].language = "en"
    cast["coach"].save()
    clock.go(bamako(2025, 3, 10, 9))
    coaching.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=bamako(2025, 3, 12, 10),
                              mode=Session.Mode.PHONE)
    clock.go(bamako(2025, 3, 11, 8))
    services.send_reminders()
    to_coach = Notification.objects.get(recipient=cast["coach"])
    to_coachee = Notification.objects.get(recipient=cast["coachee"])
    assert "03/12/2025" in to_coach.body and "12/03/2025" in to_coachee.body  # English and French dates
    assert to_coach.title == f"Coaching session tomorrow at 10:00 with {cast['coachee']}"
    assert to_coachee.title.startswith("Séance")
    assert to_coach.url == f"/coaching/s/{Session.objects.get().pk}/"


def test_practice_relationships_stay_in_the_app_never_sms_or_email(clock, cast):
    clock.go(bamako(2025, 3, 10, 9))
    cast["coachee"].email = "agent@example.ml"
    cast["coachee"].save()
    practice = coaching.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                             aims="Exercice", rhythm="Atelier", is_practice=True)
    coaching.accept_relationship(by=cast["coachee"], relationship=practice)
    coaching.schedule_session(by=cast["coach"], relationship=practice, scheduled_for=bamako(2025, 3, 11, 10),
                              mode=Session.Mode.IN_PERSON)
    services.send_reminders()
    assert Notification.objects.filter(is_practice=True).count() == 2
    assert not Delivery.objects.exists()


def test_preferences_choose_the_channels_of_each_kind(clock, cast, relationship):
    coachee = cast["coachee"]
    coachee.email = "agent@example.ml"
    coachee.save()
    services.save_preferences(by=coachee, channels={Kind.SESSION_TOMORROW: {"email": True, "sms": False}},
                              quiet_start=None, quiet_end=None)
    clock.go(bamako(2025, 3, 10, 9))
    coaching.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=bamako(2025, 3, 11, 10),
                              mode=Session.Mode.IN_PERSON)
    services.send_reminders()
    assert list(Delivery.objects.filter(notification__recipient=coachee).values_list("channel", flat=True)) == [
        "email"]
    coach_channels = Delivery.objects.filter(notification__recipient=cast["coach"]).values_list("channel", flat=True)
    assert list(coach_channels) == ["sms"]  # defaults; the coach has a phone and no e-mail


@pytest.mark.usefixtures("english")
def test_a_day_before_reminder_held_back_overnight_is_not_sent_once_that_day_has_come(clock, cast, relationship,
                                                                                      gateway):
    clock.go(bamako(2025, 3, 11, 22))
    coaching.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=bamako(2025, 3, 12, 9),
                              mode=Session.Mode.IN_PERSON)
    services.send_reminders()  # "tomorrow", but within the quiet hours
    assert services.deliver_due() == {"deferred": 2}
    clock.go(bamako(2025, 3, 12, 7))
    services.send_reminders()  # "today"
    assert services.deliver_due() == {"expired": 2, "sent": 2}
    assert all("today" in body["text"] for body in gateway.bodies())


def test_new_messages_wake_a_worker_once(clock, cast, relationship):
    from django_tasks_db.models import DBTaskResult

    clock.go(bamako(2025, 3, 10, 9))
    for day in (11, 12):
        coaching.schedule_session(by=cast["coach"], relationship=relationship, mode=Session.Mode.PHONE,
                                  scheduled_for=bamako(2025, 3, day, 10))
    services.send_reminders()
    assert DBTaskResult.objects.filter(task_path="pevcoach.notifications.tasks.deliver").count() == 1
