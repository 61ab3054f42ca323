import datetime

import pytest
from django.utils import timezone

from pevcoach.coaching import services
from pevcoach.coaching.models import ChecklistTemplate, Session
from tests.indicators.conftest import worked_example  # noqa: F401 - shared fixture


@pytest.fixture
def relationship(cast):
    """An active relationship: coach (district K) coaches coachee (centre K1)."""
    r = services.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                      aims="Réduire l'abandon", rhythm="Une visite par mois")
    return services.accept_relationship(by=cast["coachee"], relationship=r)


@pytest.fixture
def session(relationship, cast):
    return services.schedule_session(by=cast["coach"], relationship=relationship, mode=Session.Mode.IN_PERSON,
                                     scheduled_for=timezone.now() + datetime.timedelta(days=1), place="CSCom K1")


@pytest.fixture
def soon():
    return timezone.localdate() + datetime.timedelta(days=20)


@pytest.fixture
def action(relationship, cast, soon):
    return services.assign_action(by=cast["coach"], relationship=relationship, owner=cast["coachee"],
                                  description="Faire la liste des perdus de vue", due_date=soon)


@pytest.fixture
def template(db):
    return ChecklistTemplate.objects.get()


def goal_fields(**changes):
    today = timezone.localdate()
    return {
        "kind": "indicator", "statement": "Réduire l'abandon Penta1-Penta3 à 10 %", "indicator": "DOR_P1P3",
        "baseline_value": 18, "target_value": 10, "source": "DHIS2", "problem": "dropout",
        "deadline": today + datetime.timedelta(days=90), "review_dates": [today + datetime.timedelta(days=30)],
    } | changes
