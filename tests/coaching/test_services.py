import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from pevcoach.coaching import services
from pevcoach.coaching.models import Action, Evidence, Feedback, Goal, Relationship, Session
from tests.coaching.conftest import goal_fields

GROW = {"goal_notes": "Abandon sous 10 %", "reality_notes": "18 % d'abandon", "options_notes": "Relais",
        "will_notes": "Liste chaque mois"}


def messages(exc):
    return " ".join(exc.value.messages)


# --- Relationships --------------------------------------------------------------------

def test_a_relationship_is_active_only_when_both_accept(cast):
    r = services.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                      aims="Couverture", rhythm="Mensuel")
    assert r.status == Relationship.Status.PROPOSED and r.coach_accepted_at and not r.coachee_accepted_at
    with pytest.raises(PermissionDenied):
        services.accept_relationship(by=cast["outsider"], relationship=r)
    r = services.accept_relationship(by=cast["coachee"], relationship=r)
    assert r.status == Relationship.Status.ACTIVE
    assert list(r.events.values_list("status", flat=True)) == ["proposed", "active"]


def test_a_coachee_may_request_a_coach(cast):
    r = services.propose_relationship(by=cast["coachee"], coach=cast["coach"], coachee=cast["coachee"],
                                      aims="Données", rhythm="Mensuel")
    assert r.coachee_accepted_at and not r.coach_accepted_at
    assert services.accept_relationship(by=cast["coach"], relationship=r).status == "active"


def test_no_second_open_relationship_for_the_same_pair(relationship, cast):
    with pytest.raises(ValidationError):
        services.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                      aims="x", rhythm="y")


def test_a_non_coach_cannot_coach(cast):
    with pytest.raises(ValidationError):
        services.propose_relationship(by=cast["sibling"], coach=cast["sibling"], coachee=cast["coachee"],
                                      aims="x", rhythm="y")


def test_pause_resume_close_with_history(relationship, cast):
    services.change_relationship_status(by=cast["coachee"], relationship=relationship, status="paused",
                                        note="Congé")
    services.change_relationship_status(by=cast["coach"], relationship=relationship, status="active")
    services.change_relationship_status(by=cast["coach"], relationship=relationship, status="closed")
    with pytest.raises(ValidationError):
        services.change_relationship_status(by=cast["coach"], relationship=relationship, status="active")
    assert [e.status for e in relationship.events.all()] == ["proposed", "active", "paused", "active", "closed"]


def test_changing_the_agreement_asks_the_other_side_again(relationship, cast):
    r = services.update_agreement(by=cast["coach"], relationship=relationship, aims="Nouveau", rhythm="Bimensuel")
    assert r.status == "proposed" and r.coachee_accepted_at is None


# --- Sessions ----------------------------------------------------------------------------

def test_a_session_closes_only_with_every_grow_stage(session, cast):
    services.save_stage_notes(by=cast["coach"], session=session, stage="goal", notes="Abandon sous 10 %")
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        services.complete_session(by=cast["coach"], session=session, summary="Résumé")
    assert "Réalité" in messages(exc) and "Options" in messages(exc)
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_both_parties_confirm_a_session(session, cast):
    services.update_session(by=cast["coach"], session=session, **GROW)
    session = services.complete_session(by=cast["coach"], session=session, summary="Liste des perdus de vue")
    assert session.status == Session.Status.HELD
    session = services.confirm_session(by=cast["coach"], session=session)  # the same side again: still held
    assert session.status == Session.Status.HELD
    session = services.confirm_session(by=cast["coachee"], session=session)
    assert session.status == Session.Status.COMPLETED


def test_a_missed_session_records_why(session, cast):
    with pytest.raises(ValidationError):
        services.record_session_not_held(by=cast["coachee"], session=session, status="missed", reason=" ")
    s = services.record_session_not_held(by=cast["coachee"], session=session, status="missed", reason="Pluie")
    assert s.status == "missed" and s.not_held_reason == "Pluie"


def test_outsiders_cannot_write_in_a_session(session, cast):
    with pytest.raises(PermissionDenied):
        services.save_stage_notes(by=cast["outsider"], session=session, stage="goal", notes="x")
    with pytest.raises(PermissionDenied):
        services.save_stage_notes(by=cast["district_manager"], session=session, stage="goal", notes="x")


def test_sessions_need_an_active_relationship(relationship, cast):
    services.change_relationship_status(by=cast["coach"], relationship=relationship, status="paused")
    with pytest.raises(ValidationError):
        services.schedule_session(by=cast["coach"], relationship=relationship, scheduled_for=timezone.now(),
                                  mode="phone")


# --- Goals ----------------------------------------------------------------------------------

def test_a_smart_goal_is_recorded(relationship, cast):
    goal = services.set_goal(by=cast["coachee"], relationship=relationship, **goal_fields())
    assert goal.org_unit == cast["coachee"].org_unit and goal.status == Goal.Status.ACTIVE
    assert goal.review_dates == [(timezone.localdate() + datetime.timedelta(days=30)).isoformat()]


def test_a_past_deadline_is_refused_in_french_and_nothing_saved(relationship, cast):
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        services.set_goal(by=cast["coach"], relationship=relationship,
                          **goal_fields(deadline=timezone.localdate() - datetime.timedelta(days=1)))
    assert "déjà passée" in messages(exc)
    assert not Goal.objects.exists()


def test_an_unknown_indicator_is_refused(relationship, cast):
    with pytest.raises(ValidationError):
        services.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(indicator="NOPE"))


# --- Actions ---------------------------------------------------------------------------------

def test_the_coach_can_own_an_action(relationship, cast, soon):
    action = services.assign_action(by=cast["coachee"], relationship=relationship, owner=cast["coach"],
                                    description="Apporter deux porte-vaccins", due_date=soon)
    assert action.owner == cast["coach"]


def test_only_the_pair_owns_actions_and_due_dates_are_future(relationship, cast, soon):
    with pytest.raises(ValidationError):
        services.assign_action(by=cast["coach"], relationship=relationship, owner=cast["sibling"],
                               description="x", due_date=soon)
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        services.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                               description="x", due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert "déjà passée" in messages(exc)
    assert not Action.objects.exists()


def test_marking_done_keeps_the_note_and_overdue_is_seen(action, cast):
    assert not action.is_overdue()
    assert action.is_overdue(today=action.due_date + datetime.timedelta(days=1))
    done = services.complete_action(by=cast["coachee"], action=action, note="Liste remise aux relais")
    assert done.status == "done" and done.completed_at and done.completion_note == "Liste remise aux relais"
    assert not done.is_overdue(today=done.due_date + datetime.timedelta(days=1))
    assert done.version == 2


def test_an_overdue_action_can_still_be_completed(action, cast):
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    action.refresh_from_db()
    assert services.complete_action(by=cast["coach"], action=action).status == "done"


# --- Evidence --------------------------------------------------------------------------------

def photo(size=(64, 64), fmt="JPEG", noise=False):
    image = Image.new("RGB", size, "white")
    if noise:
        image = Image.effect_noise(size, 90).convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, quality=95)
    return SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), f"image/{fmt.lower()}")


def test_a_photo_is_kept_under_200_kb(action, cast):
    big = photo(size=(2400, 1800), noise=True)
    assert big.size > 200 * 1024
    evidence = services.add_evidence(by=cast["coachee"], action=action, photo=big)
    assert evidence.photo.size <= 200 * 1024
    assert Image.open(evidence.photo.path).format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(action, cast):
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        services.add_evidence(by=cast["coachee"], action=action, photo=fake)
    assert "n'est pas une photo" in messages(exc)
    assert not Evidence.objects.exists()


def test_a_huge_file_is_refused(action, cast):
    huge = SimpleUploadedFile("x.jpg", b"0" * (8 * 1024 * 1024 + 1), "image/jpeg")
    with pytest.raises(ValidationError):
        services.add_evidence(by=cast["coachee"], action=action, photo=huge)
    assert not Evidence.objects.exists()


def test_the_other_side_reviews_evidence(action, cast):
    evidence = services.add_evidence(by=cast["coachee"], action=action, note="Photo de la liste")
    with pytest.raises(ValidationError):
        services.review_evidence(by=cast["coachee"], evidence=evidence, accepted=True)
    with pytest.raises(ValidationError):
        services.review_evidence(by=cast["coach"], evidence=evidence, accepted=False, comment="")
    evidence = services.review_evidence(by=cast["coach"], evidence=evidence, accepted=False,
                                        comment="Ajouter les noms des villages")
    assert evidence.review == Evidence.Review.RETURNED and evidence.reviewed_by == cast["coach"]


# --- Feedback ------------------------------------------------------------------------------------

def test_feedback_each_way_and_from_the_right_side(relationship, cast):
    services.give_feedback(by=cast["coach"], relationship=relationship, what_works="Registre bien tenu")
    with pytest.raises(PermissionDenied):
        services.give_feedback(by=cast["coachee"], relationship=relationship, what_works="x")
    with pytest.raises(ValidationError):
        services.rate_support(by=cast["coachee"], relationship=relationship, session_useful=6, listened_to=3,
                              support_received=3)
    services.rate_support(by=cast["coachee"], relationship=relationship, session_useful=5, listened_to=4,
                          support_received=4)
    assert Feedback.objects.count() == 2


# --- Checklists ------------------------------------------------------------------------------------

def test_a_checklist_scores_and_proposes_actions_for_gaps(relationship, session, cast, template):
    items = [i for s in template.sections.all() for i in s.items.all()]
    answers = {item.pk: ("yes", "") for item in items}
    answers[items[0].pk] = ("no", "Pas de relevé le week-end")
    answers[items[1].pk] = ("partly", "")
    answers[items[2].pk] = ("na", "")
    checklist = services.fill_checklist(by=cast["coach"], relationship=relationship, session=session,
                                        template=template, answers=answers)
    scored = len(items) - 1
    assert float(checklist.score_percent) == round(100 * (scored - 1.5) / scored, 1)
    proposed = Action.objects.filter(status=Action.Status.PROPOSED)
    assert proposed.count() == 2 and {a.owner for a in proposed} == {cast["coachee"]}
    kept = services.decide_proposed_action(by=cast["coachee"], action=proposed[0], accept=True,
                                           description="Relever aussi le samedi")
    dropped = services.decide_proposed_action(by=cast["coach"], action=proposed[1], accept=False)
    assert (kept.status, kept.description, dropped.status) == ("open", "Relever aussi le samedi", "dropped")


def test_a_checklist_needs_every_item_and_a_coach(relationship, cast, template):
    with pytest.raises(ValidationError):
        services.fill_checklist(by=cast["coach"], relationship=relationship, template=template, answers={})
    with pytest.raises(PermissionDenied):
        services.fill_checklist(by=cast["coachee"], relationship=relationship, template=template, answers={})


# --- Practice --------------------------------------------------------------------------------------

def test_practice_relationships_are_flagged(cast, tree):
    r = services.propose_relationship(by=cast["district_admin"], coach=cast["sibling"], coachee=cast["coachee"],
                                      aims="Atelier", rhythm="Exercice", is_practice=True, org_unit=tree["K2"])
    assert r.is_practice and r.org_unit == tree["K2"]


def test_a_practice_goal_progresses_with_its_actions(relationship, cast, soon):
    goal = services.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(
        kind="practice", indicator="", practice="Relevé de température deux fois par jour", baseline_value=40,
        target_value=100, problem="checklist"))
    assert goal.progress is None
    first, second, third = (services.assign_action(by=cast["coach"], relationship=relationship, goal=goal,
                                                   owner=cast["coachee"], description=f"Étape {n}", due_date=soon)
                            for n in range(3))
    services.complete_action(by=cast["coachee"], action=first)
    services.update_action(by=cast["coach"], action=third, status="dropped")
    assert Goal.objects.get(pk=goal.pk).progress == 50
