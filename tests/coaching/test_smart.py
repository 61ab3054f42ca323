import datetime
from decimal import Decimal

from django.utils import translation

from pevcoach.coaching.smart import GoalDraft, check_smart, problems

TODAY = datetime.date(2026, 3, 1)


def draft(**changes):
    values = {"kind": "indicator", "has_facility": True, "today": TODAY, "indicator": "COV_PENTA3",
              "indicator_kind": "coverage", "indicator_direction": "up", "baseline": Decimal(60),
              "target": Decimal(70), "source": "DHIS2", "problem": "red", "start": TODAY,
              "deadline": datetime.date(2026, 6, 30), "review_dates": [datetime.date(2026, 4, 30)]}
    return GoalDraft(**(values | changes))


def verdict(goal, criterion):
    return next(v for v in check_smart(goal) if v.criterion == criterion)


def test_a_complete_goal_passes_every_criterion():
    assert all(v.ok for v in check_smart(draft()))


def test_specific_needs_a_facility_and_an_indicator_or_practice():
    assert not verdict(draft(has_facility=False), "S").ok
    assert not verdict(draft(indicator=""), "S").ok
    assert not verdict(draft(kind="practice", practice=""), "S").ok
    assert verdict(draft(kind="practice", practice="Relevé de température deux fois par jour"), "S").ok


def test_measurable_names_what_is_missing_in_french():
    with translation.override("fr"):
        v = verdict(draft(baseline=None, source=""), "M")
    assert not v.ok and "valeur de départ" in v.message and "d'où vient le chiffre" in v.message


def test_measurable_refuses_a_target_in_the_wrong_direction_or_above_100():
    assert not verdict(draft(target=Decimal(50)), "M").ok
    assert not verdict(draft(indicator_direction="down", baseline=Decimal(18), target=Decimal(25),
                             indicator_kind="dropout"), "M").ok
    assert not verdict(draft(target=Decimal(120)), "M").ok


def test_achievable_flags_an_implausible_jump_but_does_not_block():
    v = verdict(draft(baseline=Decimal(40), target=Decimal(95), deadline=datetime.date(2026, 4, 15)), "A")
    assert not v.ok and not v.blocking
    assert verdict(draft(baseline=Decimal(60), target=Decimal(68)), "A").ok
    counted = draft(indicator_kind="count", indicator_direction="down", baseline=Decimal(200), target=Decimal(20),
                    deadline=datetime.date(2026, 4, 1))
    assert not verdict(counted, "A").ok


def test_relevant_needs_a_problem():
    assert not verdict(draft(problem=""), "R").ok


def test_time_bound_refuses_past_deadlines_and_missing_reviews():
    with translation.override("fr"):
        past = verdict(draft(deadline=datetime.date(2026, 2, 1)), "T")
    assert not past.ok and "déjà passée" in past.message
    assert not verdict(draft(review_dates=[]), "T").ok
    assert not verdict(draft(review_dates=[datetime.date(2026, 8, 1)]), "T").ok


def test_problems_keeps_only_blocking_failures():
    failing = check_smart(draft(baseline=Decimal(10), target=Decimal(99), problem=""))
    assert [v.criterion for v in problems(failing)] == ["R"]
