"""The dashboards' world: the cast's pyramid with a year of figures, real coaching and practice.

    K1 (district K): coach ↔ coachee, real: two sessions held, goals, actions, ratings, a checklist.
        Its figures worsen over the last three months.
    K2 (district K): coach ↔ sibling, PRACTICE: a session, an achieved goal, actions, low ratings,
        a checklist. None of it may appear in any statistic, chart, export or report.
    B1 (district B): outsider ↔ b_coachee, real: one session held.
    Z1 (far region): figures only.

Months are relative to today (the last twelve complete months), so that "coaching started two
months ago" falls inside the data, as it does in real use.
"""

import datetime

import pytest
from django.utils import timezone

from pevcoach.coaching import services
from pevcoach.coaching.models import Action, ChecklistTemplate, Goal, Session
from pevcoach.indicators.compute import add_months, month_range
from tests.factories import UserFactory
from tests.indicators.conftest import load

PRACTICE_SUMMARY = "PRACTICE-ONLY summary"
REAL_SUMMARY = "Real visit in K1"


def last_month():
    today = timezone.localdate()
    return add_months(today.year * 100 + today.month, -1)


def data_months():
    return month_range(last_month(), 12)


def figure_rows():
    """Populations and doses: K1 worsens in its last three months; the others are steady."""
    months = data_months()
    rows = []
    for year in sorted({m // 100 for m in months}):
        rows += [("POP_SURVIVING_INFANTS", str(year), unit, n)
                 for unit, n in (("K1", 480), ("K2", 240), ("B1", 360), ("Z1", 300))]
    steady = {"K2": (20, 18, 17), "B1": (30, 20, 22), "Z1": (25, 24, 23)}
    for i, month in enumerate(months):
        k1 = (40, 36, 34) if i < 9 else (30, 22, 20)
        for unit, (penta1, penta3, rr1) in {"K1": k1, **steady}.items():
            rows += [("PENTA1", str(month), unit, penta1), ("PENTA3", str(month), unit, penta3),
                     ("RR1", str(month), unit, rr1)]
    return rows


def _relationship(coach, coachee, *, practice=False, org_unit=None):
    r = services.propose_relationship(by=coach, coach=coach, coachee=coachee, aims="Aims", rhythm="Monthly",
                                      is_practice=practice, org_unit=org_unit)
    return services.accept_relationship(by=coachee, relationship=r)


def held_session(r, *, days_ago, mode=Session.Mode.IN_PERSON, summary="Summary"):
    s = services.schedule_session(by=r.coach, relationship=r, mode=mode,
                                  scheduled_for=timezone.now() + datetime.timedelta(days=1))
    s = services.update_session(by=r.coach, session=s, goal_notes="Goal notes", reality_notes="Reality notes",
                                options_notes="Options notes", will_notes="Will notes")
    s = services.complete_session(by=r.coach, session=s, summary=summary)
    s = services.confirm_session(by=r.coachee, session=s)
    Session.objects.filter(pk=s.pk).update(scheduled_for=timezone.now() - datetime.timedelta(days=days_ago))
    s.refresh_from_db()
    return s


def _action(r, owner, description, *, due_in, done=False, due_after=None, goal=None):
    a = services.assign_action(by=r.coach, relationship=r, owner=owner, description=description, goal=goal,
                               due_date=timezone.localdate() + datetime.timedelta(days=max(due_in, 1)))
    if done:
        services.complete_action(by=owner, action=a, note="done")
    Action.objects.filter(pk=a.pk).update(due_date=timezone.localdate() + datetime.timedelta(
        days=due_in if due_after is None else due_after))
    return a


def _goal(r, statement, **changes):
    today = timezone.localdate()
    fields = {
        "kind": "indicator", "statement": statement, "indicator": "DOR_P1P3", "baseline_value": 18,
        "target_value": 10, "source": "DHIS2", "problem": "dropout",
        "deadline": today + datetime.timedelta(days=90), "review_dates": [today + datetime.timedelta(days=30)],
    } | changes
    return services.set_goal(by=r.coach, relationship=r, **fields)


def _coaching(r, *, summary, ratings, overdue_text):
    visit = held_session(r, days_ago=100, summary=summary)
    held_session(r, days_ago=40, mode=Session.Mode.PHONE, summary=summary)
    services.schedule_session(by=r.coach, relationship=r, mode=Session.Mode.IN_PERSON,
                              scheduled_for=timezone.now() + datetime.timedelta(days=5))
    achieved = _goal(r, f"Achieved goal of {r.coachee.username}")
    services.update_goal(by=r.coach, goal=achieved, status=Goal.Status.ACHIEVED)
    _goal(r, f"Active goal of {r.coachee.username}")
    practice_goal = _goal(r, f"Practice goal of {r.coachee.username}", kind="practice", indicator="",
                          practice="Fridge temperature read twice a day", baseline_value=40, target_value=100,
                          source="Temperature sheet", problem="checklist")
    _action(r, r.coachee, f"On time {r.coachee.username}", due_in=10, done=True, goal=practice_goal)
    _action(r, r.coachee, f"Late {r.coachee.username}", due_in=10, done=True, due_after=-5)
    _action(r, r.coachee, overdue_text, due_in=-3)
    _action(r, r.coach, f"Not due {r.coachee.username}", due_in=20)
    services.give_feedback(by=r.coach, relationship=r, what_works=f"What works for {r.coachee.username}")
    for mark in ratings:
        services.rate_support(by=r.coachee, relationship=r, session_useful=mark, listened_to=mark,
                              support_received=mark)
    template = ChecklistTemplate.objects.get()
    items = [item for section in template.sections.all() for item in section.items.all()]
    services.fill_checklist(by=r.coach, relationship=r, session=visit, template=template,
                            answers={item.pk: ("yes", "") for item in items})
    return visit


@pytest.fixture
def login_en(login):
    """Sign a cast member in with English as their language (texts checked in English)."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


@pytest.fixture
def world(cast, tree):
    load(figure_rows())
    real = _relationship(cast["coach"], cast["coachee"])
    real_visit = _coaching(real, summary=REAL_SUMMARY, ratings=(4, 5, 3), overdue_text="Overdue coachee")
    practice = _relationship(cast["coach"], cast["sibling"], practice=True, org_unit=tree["K2"])
    practice_visit = _coaching(practice, summary=PRACTICE_SUMMARY, ratings=(1, 1, 1),
                               overdue_text="PRACTICE overdue")
    b_coachee = UserFactory(username="bcoachee", org_unit=tree["B1"], roles=["coachee"])
    other = _relationship(cast["outsider"], b_coachee)
    b_visit = held_session(other, days_ago=20, summary="B1-SESSION")
    return {**cast, **tree, "real": real, "practice": practice, "other": other, "real_visit": real_visit,
            "practice_visit": practice_visit, "b_visit": b_visit, "b_coachee": b_coachee}
