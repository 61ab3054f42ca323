"""`generate_country`: a synthetic Mali at tiny scale — its shape, its marks, the coaching rules it keeps
by construction, and the same data from the same seed."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Q, Sum

from pevcoach.accounts.models import User
from pevcoach.coaching.models import Action, Evidence, Feedback, Goal, Relationship, Session
from pevcoach.demo.country import Shape
from pevcoach.indicators.models import MonthlyTotal, MonthlyValue, YearlyTotal, YearlyValue
from pevcoach.orgunits.models import Level, OrgUnit
from tests.factories import UserFactory

TODAY = datetime.date(2026, 3, 15)
SCALE, MONTHS = 0.004, 24


def generate(seed=1, **options):
    call_command("generate_country", seed=seed, scale=SCALE, months=MONTHS, today=TODAY, stdout=None, **options)


def snapshot():
    """What the country holds, by stable names (database ids differ from one run to the next)."""
    units = list(OrgUnit.objects.filter(code__startswith="SYN-").order_by("code").values_list(
        "code", "name", "level", "parent__code", "latitude", "longitude"))
    values = list(MonthlyValue.objects.filter(org_unit__code__startswith="SYN-").order_by(
        "org_unit__code", "data_element__code", "month").values_list("org_unit__code", "data_element__code",
                                                                     "month", "value"))
    people = list(User.objects.filter(username__startswith="synth.").order_by("username").values_list(
        "username", "first_name", "last_name", "job_title", "org_unit__code", "is_coach", "is_coachee"))
    sessions = list(Session.objects.order_by("id").values_list(
        "id", "relationship__coachee__username", "scheduled_for", "status", "mode", "goal_notes"))
    actions = list(Action.objects.order_by("id").values_list("id", "owner__username", "due_date", "status"))
    goals = list(Goal.objects.order_by("id").values_list("id", "indicator", "baseline_value", "target_value",
                                                         "status"))
    return units, values, people, sessions, actions, goals


@pytest.fixture
def country(db):
    generate()
    return OrgUnit.objects.get(code="SYN-MLI")


def test_it_has_the_shape_of_the_scale(country):
    shape = Shape.at(SCALE, MONTHS)
    assert OrgUnit.objects.filter(level=Level.REGION, parent=country).count() == shape.regions
    assert OrgUnit.objects.filter(level=Level.DISTRICT, path__startswith=country.path).count() == shape.districts
    centres = OrgUnit.objects.filter(level=Level.FACILITY, path__startswith=country.path)
    assert centres.count() == shape.facilities
    assert not centres.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).exists()
    assert User.objects.filter(username__startswith="synth.").count() == shape.users
    assert Relationship.objects.count() == shape.relationships
    assert Session.objects.count() == shape.sessions
    assert Goal.objects.exists() and Action.objects.exists() and Feedback.objects.exists()
    assert Evidence.objects.exists()
    months = set(MonthlyValue.objects.values_list("month", flat=True).distinct())
    assert len(months) == MONTHS and max(months) == 202602  # the last complete month before TODAY
    assert YearlyValue.objects.filter(year=2026).count() == 3 * shape.facilities


def test_every_row_is_marked_synthetic(country):
    assert not OrgUnit.objects.filter(path__startswith=country.path).exclude(
        code__startswith="SYN-", is_demo=True).exists()
    people = User.objects.filter(org_unit__path__startswith=country.path)
    assert people.exists() and not people.exclude(username__startswith="synth.", is_demo=True).exists()
    assert "synthétique" in country.name


def test_the_totals_are_those_of_an_import(country):
    month = 202601
    centres = MonthlyValue.objects.filter(month=month, data_element__code="PENTA1").aggregate(n=Sum("value"))["n"]
    total = MonthlyTotal.objects.get(org_unit=country, month=month, data_element__code="PENTA1").value
    assert total == centres > 0
    assert YearlyTotal.objects.get(org_unit=country, year=2025, data_element__code="POP_SURVIVING_INFANTS").value \
        == YearlyValue.objects.filter(year=2025, data_element__code="POP_SURVIVING_INFANTS").aggregate(
            n=Sum("value"))["n"]


def test_coaching_keeps_the_services_rules_by_construction(country):
    relationships = Relationship.objects.select_related("coach__org_unit", "coachee__org_unit")
    for r in relationships:
        assert r.coach.is_coach and r.coachee.is_coachee and r.coach != r.coachee
        assert r.org_unit_id == r.coachee.org_unit_id and r.coach.org_unit_id == r.coachee.org_unit.parent_id
    coachees = relationships.values_list("coachee", flat=True)
    assert len(coachees) == len(set(coachees))  # one relationship per coachee: never two open at once
    assert not Action.objects.exclude(owner=F("relationship__coach")).exclude(
        owner=F("relationship__coachee")).exists()
    assert not Action.objects.exclude(session__relationship=F("relationship")).exists()
    assert not Goal.objects.exclude(org_unit=F("relationship__org_unit")).exists()
    assert not Session.objects.filter(relationship__coachee_accepted_at__isnull=True).exists()
    assert not Session.objects.exclude(created_by=F("relationship__coach")).exists()
    assert not Session.objects.filter(scheduled_for__lt=F("relationship__coachee_accepted_at")).exists()
    completed = Session.objects.filter(status=Session.Status.COMPLETED)
    assert completed.exists() and not completed.filter(
        Q(goal_notes="") | Q(reality_notes="") | Q(options_notes="") | Q(will_notes="") | Q(summary="")
        | Q(coach_confirmed_at=None) | Q(coachee_confirmed_at=None)).exists()
    assert not Feedback.objects.filter(direction="to_coach").exclude(author=F("relationship__coachee")).exists()
    assert not Evidence.objects.exclude(submitted_by=F("action__owner")).exists()


def test_the_same_seed_gives_the_same_country(country):
    first = snapshot()
    generate()  # replaces the earlier synthetic country
    assert OrgUnit.objects.filter(code="SYN-MLI").count() == 1
    assert snapshot() == first
    generate(seed=2)
    assert snapshot() != first


def test_it_leaves_demo_and_real_data_alone_but_refuses_a_real_database(db):
    real = UserFactory(username="real.person")
    with pytest.raises(CommandError, match="real account"):
        generate()
    assert not OrgUnit.objects.filter(code__startswith="SYN-").exists()
    generate(force=True)
    assert User.objects.filter(pk=real.pk).exists()
    assert OrgUnit.objects.filter(code="SYN-MLI").exists()
