"""No page or list endpoint runs more queries when there is more in the user's scope (issue 9).

Each person of the cast opens every page and list endpoint they use on the dashboards' small world
(with one row of every kind), then the world grows (more coachees, sessions, goals with actions,
evidence, feedback, checklists, notifications, people, units, invitations and imports in the same
scope: several times the rows) and each page must run exactly the same number of queries. The
dashboards have their own module (tests/dashboards/test_query_counts.py); this one covers the rest.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pevcoach.accounts.services import create_invitation, issue_api_token
from pevcoach.coaching import services
from pevcoach.coaching.models import Action, ChecklistTemplate, Goal
from tests.dashboards.conftest import _coaching, _relationship, held_session, login_en, world  # noqa: F401
from tests.factories import OrgUnitFactory, UserFactory
from tests.indicators.conftest import load
from tests.notifications.test_delivery import message_for


def _practice_goal(r, n):
    today = timezone.localdate()
    goal = services.set_goal(by=r.coach, relationship=r, kind="practice", indicator="", statement=f"Liste {n}",
                             practice="Relevé de température deux fois par jour", baseline_value=40,
                             target_value=100, source="registre", problem="checklist",
                             deadline=today + datetime.timedelta(days=90),
                             review_dates=[today + datetime.timedelta(days=30)])
    for k in range(3):
        action = services.assign_action(by=r.coach, relationship=r, owner=r.coachee, goal=goal,
                                        description=f"Étape {n}.{k}", due_date=today + datetime.timedelta(days=9))
        services.add_evidence(by=r.coachee, action=action, note=f"Preuve {n}.{k}")
    return goal


def grow(w, n, start=0):
    """More rows of every kind in every scope the cast looks at."""
    for i in range(start, start + n):
        held_session(w["real"], days_ago=10 + i)
        _practice_goal(w["real"], i)
        services.give_feedback(by=w["coach"], relationship=w["real"], what_works=f"Bien {i}")
        services.rate_support(by=w["coachee"], relationship=w["real"], session_useful=4, listened_to=4,
                              support_received=4)
        template = ChecklistTemplate.objects.get()
        services.fill_checklist(by=w["coach"], relationship=w["real"], template=template, answers={
            item.pk: ("partly", "à revoir") for section in template.sections.all() for item in section.items.all()})
        centre = OrgUnitFactory(name=f"CSCom K{i + 3}", code=f"GROWN{i}", parent=w["district"])
        coachee = UserFactory(username=f"grown{i}", org_unit=centre, roles=["coachee"])
        _coaching(_relationship(w["coach"], coachee), summary="grown", ratings=(4,), overdue_text=f"grown {i}")
        UserFactory(username=f"staff{i}", org_unit=w["district"], roles=["coachee"])
        create_invitation(created_by=w["district_admin"], org_unit=w["district"], label=f"Atelier {i}",
                          expires_on=timezone.localdate() + datetime.timedelta(days=30))
        load([("PENTA1", "202401", centre.code, 5 + i)])
        for person in (w["coach"], w["coachee"], w["district_admin"]):
            message_for(person, title=f"Rappel {i}")


def _pages(w):
    goal = Goal.objects.filter(relationship=w["real"]).first()
    action = Action.objects.filter(relationship=w["real"], owner=w["coachee"]).first()
    checklist = w["real"].checklists.first()
    both = ["/", "/coaching/", "/coaching/actions/", f"/coaching/r/{w['real'].pk}/",
            f"/coaching/s/{w['real_visit'].pk}/", f"/coaching/g/{goal.pk}/", f"/coaching/a/{action.pk}/",
            f"/coaching/c/{checklist.pk}/", "/notifications/", "/notifications/preferences/", "/profile/",
            "/sync/conflicts/"]
    api = ["/api/v1/relationships", "/api/v1/sessions", "/api/v1/goals", "/api/v1/actions", "/api/v1/evidence",
           "/api/v1/feedback", "/api/v1/checklists", "/api/v1/notifications", "/api/v1/notifications/unread-count",
           "/api/v1/sync/pull", "/api/v1/sync/pages", "/api/v1/sync/conflicts", "/api/v1/org-units", "/api/v1/me",
           "/api/v1/checklist-templates", "/api/v1/questions", "/api/v1/indicators",
           f"/api/v1/sessions?relationship={w['real'].pk}", f"/api/v1/actions?relationship={w['real'].pk}"]
    return {
        "coach": both + ["/coaching/ratings/", "/coaching/new/", "/coaching/practice/"] + api,
        "coachee": both + ["/coaching/new/"] + api,
        "district_admin": ["/", "/people/", f"/people/{w['coachee'].pk}/", "/people/invitations/", "/units/",
                           f"/units/{w['district'].pk}/", "/indicators/imports/", "/coaching/", "/api/v1/org-units",
                           "/api/v1/relationships", "/api/v1/sessions", "/api/v1/actions", "/api/v1/goals"],
        "region_manager": ["/", "/people/", "/units/", f"/units/{w['region'].pk}/", "/coaching/",
                           "/api/v1/relationships", "/api/v1/sessions", "/api/v1/goals", "/api/v1/actions",
                           "/api/v1/feedback", "/api/v1/checklists", "/api/v1/evidence", "/api/v1/sync/pull"],
        "superuser": ["/", "/people/", "/units/", "/indicators/imports/", "/coaching/", "/api/v1/org-units"],
    }


def _count(get, url):
    get(url)  # warm up: the session's first save, caches
    with CaptureQueriesContext(connection) as captured:
        response = get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("who", ["coach", "coachee", "district_admin", "region_manager", "superuser"])
def test_pages_and_lists_run_as_many_queries_for_more_rows(world, login, client, who):  # noqa: F811
    user = world[who]
    pages = _pages(world)[who]
    browser = login(user)
    token = issue_api_token(user=user, label="tests")

    def get(url):
        if url.startswith("/api/"):
            return client.get(url, headers={"Authorization": f"Bearer {token}"})
        return browser.get(url)

    grow(world, 1)  # one of everything to begin with: an empty list may skip a query a full one needs
    before = {url: _count(get, url) for url in pages}
    grow(world, 4, start=1)  # then several times more
    after = {url: _count(get, url) for url in pages}
    grew = {url: f"{before[url]} → {after[url]}" for url in pages if after[url] != before[url]}
    assert not grew, f"queries grew with the data for {who}: {grew}"
