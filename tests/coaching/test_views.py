import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from pevcoach.coaching import services
from pevcoach.coaching.models import Action, Evidence, Feedback, Goal, Relationship, Session
from tests.coaching.test_services import photo


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def record(relationship, session, action, cast, template):
    goal = services.set_goal(by=cast["coach"], relationship=relationship, session=session, **{
        "kind": "practice", "statement": "Température deux fois par jour", "practice": "Relevé de température",
        "baseline_value": 40, "target_value": 100, "source": "Fiche", "problem": "checklist",
        "deadline": timezone.localdate() + datetime.timedelta(days=40),
        "review_dates": [timezone.localdate() + datetime.timedelta(days=10)]})
    items = [i for s in template.sections.all() for i in s.items.all()]
    checklist = services.fill_checklist(by=cast["coach"], relationship=relationship, session=session,
                                        template=template, answers={i.pk: ("no", "") for i in items})
    evidence = services.add_evidence(by=cast["coachee"], action=action, note="Liste faite")
    return {"relationship": relationship, "session": session, "action": action, "goal": goal,
            "checklist": checklist, "evidence": evidence}


def pages(record):
    r, s = record["relationship"].pk, record["session"].pk
    return [
        reverse("coaching:relationship", args=[r]), reverse("coaching:schedule", args=[r]),
        reverse("coaching:goal_new", args=[r]), reverse("coaching:action_new", args=[r]),
        reverse("coaching:feedback", args=[r]), reverse("coaching:session", args=[s]),
        reverse("coaching:stage", args=[s, "reality"]), reverse("coaching:finish", args=[s]),
        reverse("coaching:checklist_new", args=[s]), reverse("coaching:checklist", args=[record["checklist"].pk]),
        reverse("coaching:goal", args=[record["goal"].pk]), reverse("coaching:action", args=[record["action"].pk]),
    ]


def posts(record):
    return [
        reverse("coaching:decision", args=[record["relationship"].pk]),
        reverse("coaching:confirm", args=[record["session"].pk]),
        reverse("coaching:not_held", args=[record["session"].pk]),
        reverse("coaching:goal_status", args=[record["goal"].pk]),
        reverse("coaching:decide_proposed", args=[record["action"].pk]),
        reverse("coaching:review", args=[record["evidence"].pk]),
    ]


def test_every_page_opens_for_the_pair(login, cast, record):
    for who in ("coach", "coachee"):
        client = login(cast[who])
        for url in pages(record):
            assert client.get(url).status_code == 200, (who, url)


def test_a_coach_of_another_district_reaches_nothing(login, cast, record):
    client = login(cast["outsider"])
    for url in pages(record) + posts(record):
        method = client.post if url in posts(record) else client.get
        assert method(url).status_code == 404, url
    listing = text(client.get(reverse("coaching:list")))
    assert cast["coachee"].last_name not in listing
    assert text(client.get(reverse("coaching:my_actions"))).count("perdus de vue") == 0


def test_the_district_manager_reads_but_cannot_write(login, cast, record):
    client = login(cast["district_manager"])
    assert client.get(reverse("coaching:relationship", args=[record["relationship"].pk])).status_code == 200
    response = client.post(reverse("coaching:stage", args=[record["session"].pk, "goal"]), {"notes": "x"})
    assert response.status_code == 403
    assert Session.objects.get(pk=record["session"].pk).goal_notes == ""


def test_propose_and_accept_through_the_pages(login, cast):
    coach = login(cast["coach"])
    page = text(coach.get(reverse("coaching:propose")))
    assert cast["coachee"].last_name in page and cast["outsider"].last_name not in page
    response = coach.post(reverse("coaching:propose"), {"partner": cast["coachee"].pk, "aims": "Abandon",
                                                        "rhythm": "Mensuel", "ways_of_working": ""})
    relationship = Relationship.objects.get()
    assert response.status_code == 302 and relationship.status == "proposed"
    coach.logout()
    login(cast["coachee"]).post(reverse("coaching:decision", args=[relationship.pk]), {"decision": "accept"})
    assert Relationship.objects.get().status == "active"


def test_a_coach_cannot_propose_to_someone_outside_their_area(login, cast):
    coach = login(cast["outsider"])
    coach.post(reverse("coaching:propose"), {"partner": cast["coachee"].pk, "aims": "x", "rhythm": "y"})
    assert not Relationship.objects.exists()


def test_grow_flow_page_by_page(login, cast, session):
    client = login(cast["coach"])
    page = text(client.get(reverse("coaching:stage", args=[session.pk, "goal"])))
    assert "Que voulez-vous avoir atteint" in page
    for stage, notes in [("goal", "Abandon < 10 %"), ("reality", "18 %"), ("options", "Relais"),
                         ("will", "Liste")]:
        response = client.post(reverse("coaching:stage", args=[session.pk, stage]), {"notes": notes, "next": "1"})
        assert response.status_code == 302
    assert response["Location"] == reverse("coaching:finish", args=[session.pk])
    client.post(reverse("coaching:finish", args=[session.pk]), {"summary": "Liste des perdus de vue"})
    assert Session.objects.get(pk=session.pk).status == "held"


def test_closing_with_an_empty_stage_says_which(login, cast, session):
    client = login(cast["coach"])
    client.post(reverse("coaching:stage", args=[session.pk, "goal"]), {"notes": "Objectif"})
    page = text(client.post(reverse("coaching:finish", args=[session.pk]), {"summary": "Résumé"}))
    assert "Réalité" in page and Session.objects.get(pk=session.pk).status == "planned"


def test_reality_stage_shows_carried_over_actions(login, cast, session, action):
    page = text(login(cast["coachee"]).get(reverse("coaching:stage", args=[session.pk, "reality"])))
    assert "Faire la liste des perdus de vue" in page


def test_goal_builder_explains_what_is_missing(login, cast, relationship):
    client = login(cast["coach"])
    page = text(client.post(reverse("coaching:goal_new", args=[relationship.pk]), {
        "kind": "indicator", "statement": "Mieux vacciner", "indicator": "COV_PENTA3", "baseline_value": "",
        "target_value": "80", "source": "", "problem": "", "deadline": "2001-01-01", "review_dates": "",
        "check": "1"}))
    assert "valeur de départ" in page and "déjà passée" in page
    assert not Goal.objects.exists()


def test_action_owned_by_coach_then_done_with_note(login, cast, relationship):
    client = login(cast["coachee"])
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    client.post(reverse("coaching:action_new", args=[relationship.pk]),
                {"description": "Apporter des porte-vaccins", "owner": cast["coach"].pk, "due_date": due})
    action = Action.objects.get()
    assert action.owner == cast["coach"]
    client.post(reverse("coaching:action", args=[action.pk]), {"_complete": "1", "completion_note": "Reçus"})
    assert Action.objects.get().status == "done"


def test_past_due_date_on_the_page_is_refused(login, cast, relationship):
    client = login(cast["coach"])
    page = text(client.post(reverse("coaching:action_new", args=[relationship.pk]),
                            {"description": "x", "owner": cast["coachee"].pk, "due_date": "2001-01-01"}))
    assert "déjà passée" in page and not Action.objects.exists()


def test_evidence_photo_upload_and_bad_file(login, cast, action):
    client = login(cast["coachee"])
    client.post(reverse("coaching:action", args=[action.pk]), {"_evidence": "1", "note": "", "photo": photo()})
    assert Evidence.objects.get().photo
    page = text(client.post(reverse("coaching:action", args=[action.pk]), {
        "_evidence": "1", "photo": photo().__class__("x.jpg", b"not an image", "image/jpeg")}))
    assert "n'est pas une photo" in page and Evidence.objects.count() == 1


def test_ratings_page_shows_only_aggregates_from_three(login, cast, relationship):
    client = login(cast["coach"])
    for mark in (5, 4):
        services.rate_support(by=cast["coachee"], relationship=relationship, session_useful=mark, listened_to=mark,
                              support_received=mark)
    assert "Moins de trois" in text(client.get(reverse("coaching:ratings")))
    services.rate_support(by=cast["coachee"], relationship=relationship, session_useful=3, listened_to=3,
                          support_received=3)
    assert "4.0/5" in text(client.get(reverse("coaching:ratings"))) or "4,0/5" in text(
        client.get(reverse("coaching:ratings")))


def test_feedback_form_follows_the_side(login, cast, relationship):
    login(cast["coach"]).post(reverse("coaching:feedback", args=[relationship.pk]), {"what_works": "Registre"})
    assert Feedback.objects.get().direction == "to_coachee"


def test_practice_mode_is_labelled(login, cast, tree):
    tree["K2"].is_demo = True
    tree["K2"].save()
    client = login(cast["district_admin"])
    client.post(reverse("coaching:practice"), {"coach": cast["coach"].pk, "coachee": cast["sibling"].pk,
                                               "facility": tree["K2"].pk})
    r = Relationship.objects.get()
    assert r.is_practice and r.status == "active"
    assert "Exercice" in text(client.get(reverse("coaching:relationship", args=[r.pk])))


def test_print_friendly_timeline(login, cast, record):
    page = text(login(cast["coachee"]).get(reverse("coaching:relationship", args=[record["relationship"].pk])))
    for expected in ("Température deux fois par jour", "Faire la liste des perdus de vue", "CSCom K1"):
        assert expected in page



def test_a_long_relationship_shows_its_last_year_and_what_is_open_then_the_whole_history(
        login, cast, relationship, session, soon):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    old = services.schedule_session(by=cast["coach"], relationship=relationship, mode=Session.Mode.PHONE,
                                    scheduled_for=timezone.now() + datetime.timedelta(days=2))
    Session.objects.filter(pk=old.pk).update(scheduled_for=long_ago, status=Session.Status.COMPLETED,
                                             summary="Séance d'il y a deux ans")
    done, still_open = (services.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                               description=text, due_date=soon)
                        for text in ("Action close depuis longtemps", "Action ancienne encore ouverte"))
    Action.objects.filter(pk=done.pk).update(due_date=long_ago.date(), status=Action.Status.DONE)
    Action.objects.filter(pk=still_open.pk).update(due_date=long_ago.date())
    Relationship.objects.filter(pk=relationship.pk).update(created_at=long_ago)
    client = login(cast["coach"])
    url = reverse("coaching:relationship", args=[relationship.pk])

    recent = text(client.get(url))
    assert "Action ancienne encore ouverte" in recent  # open work never drops out of sight
    assert "Séance d'il y a deux ans" not in recent and "Action close depuis longtemps" not in recent
    assert 'href="?all=1"' in recent and "Afficher tout l'historique" in recent

    whole = text(client.get(url + "?all=1"))
    assert "Séance d'il y a deux ans" in whole and "Action close depuis longtemps" in whole
    assert "Afficher tout l'historique" not in whole


def test_a_young_relationship_offers_no_history_link(login, cast, relationship, session):
    page = text(login(cast["coach"]).get(reverse("coaching:relationship", args=[relationship.pk])))
    assert "?all=1" not in page
