"""Issue 3's journey on a 360 px phone: a full GROW session, a SMART goal, two actions,
then the coachee sees them and marks one done."""

import datetime

from django.utils import timezone

from pevcoach.coaching.models import Action, Goal, Session
from tests.browser.test_login import sign_in


def test_coach_runs_a_grow_session_and_the_coachee_follows_up(demo_server, phone):
    url = demo_server.url
    sign_in(phone, url, "coach.kadiolo")
    phone.click("nav >> a[href='/coaching/']")
    phone.click("text=Seydou Ouattara")
    phone.click("a[href$='/sessions/new/']")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    phone.fill("input[name=scheduled_for]", f"{tomorrow.isoformat()}T09:30")
    phone.select_option("select[name=mode]", "in_person")
    phone.fill("input[name=place]", "CSCom Kadiolo-Centre")
    phone.click("button[type=submit]")
    phone.click("a[href$='/goal/']")
    notes = {
        "goal": "Abandon Penta1-Penta3 sous 10 % d'ici trois mois.",
        "reality": "Abandon à 18 % ; deux villages non visités en stratégie avancée.",
        "options": "Liste des perdus de vue pour les relais ; reprogrammer la stratégie avancée.",
        "will": "Liste chaque fin de mois ; le coach apporte deux porte-vaccins.",
    }
    for text in notes.values():
        assert phone.locator("h1").inner_text()  # each stage has its own screen
        phone.fill("textarea[name=notes]", text)
        phone.click("button[name=next]")
    phone.fill("textarea[name=summary]", "Objectif d'abandon fixé ; liste des perdus de vue à faire.")
    phone.click("button[type=submit]")
    session = Session.objects.filter(place="CSCom Kadiolo-Centre").get()
    assert session.status == "held" and session.reality_notes == notes["reality"]

    # A SMART goal on the dropout indicator.
    phone.goto(f"{url}/coaching/r/{session.relationship_id}/goals/new/?session={session.pk}")
    phone.fill("textarea[name=statement]", "Réduire l'abandon Penta1-Penta3 de 18 % à 10 %.")
    phone.select_option("select[name=indicator]", "DOR_P1P3")
    phone.fill("input[name=baseline_value]", "18")
    phone.fill("input[name=target_value]", "10")
    phone.fill("input[name=source]", "DHIS2")
    phone.select_option("select[name=problem]", "dropout")
    deadline = timezone.localdate() + datetime.timedelta(days=90)
    phone.fill("input[name=deadline]", deadline.isoformat())
    phone.fill("input[name=review_dates]", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    phone.click("button[name=save]")
    phone.wait_for_url("**/coaching/g/**")
    goal = Goal.objects.get(statement__startswith="Réduire l'abandon Penta1-Penta3 de 18")

    # Two actions: one for the coachee, one for the coach.
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    for description, owner in [("Faire la liste des enfants perdus de vue.", "coachee"),
                               ("Apporter deux porte-vaccins du district.", "coach")]:
        phone.goto(f"{url}/coaching/r/{session.relationship_id}/actions/new/?session={session.pk}")
        phone.fill("textarea[name=description]", description)
        phone.select_option("select[name=owner]", index=0 if owner == "coachee" else 1)
        phone.fill("input[name=due_date]", due)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"**/coaching/s/{session.pk}/")
    actions = Action.objects.filter(session=session)
    assert {a.owner.username for a in actions} == {"agent.kadiolo", "coach.kadiolo"}
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The coachee sees everything and marks their action done with a note.
    phone.click("footer button:not([name])")  # sign out (the phone's copy is wiped first)
    phone.wait_for_url("**/login/**")
    sign_in(phone, url, "agent.kadiolo")
    phone.goto(f"{url}/coaching/actions/")
    body = phone.inner_text("main")
    assert "Faire la liste des enfants perdus de vue." in body and "Apporter deux porte-vaccins" in body
    phone.click("text=Faire la liste des enfants perdus de vue.")
    phone.fill("textarea[name=completion_note]", "Liste de 14 enfants remise aux relais.")
    phone.click("input[name=_complete] ~ button")
    phone.wait_for_selector(".messages")
    done = Action.objects.get(description="Faire la liste des enfants perdus de vue.")
    assert done.status == "done" and done.completion_note == "Liste de 14 enfants remise aux relais."
    phone.goto(f"{url}/coaching/g/{goal.pk}/")
    assert "Réduire l'abandon" in phone.inner_text("h1")
