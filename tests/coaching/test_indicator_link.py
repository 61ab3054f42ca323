"""Coaching meets the figures: the Reality stage and goal progress (issue 4, point 5)."""

import datetime
import html
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation

from pevcoach.coaching import services
from pevcoach.coaching.indicator_link import reality_indicators
from tests.coaching.conftest import goal_fields
from tests.indicators.conftest import load, worked_example_rows


def test_reality_shows_the_last_3_and_12_months_with_red_category(worked_example, tree):
    with translation.override("en"):
        facts = reality_indicators(tree["K1"])
    rows = {row["code"]: row for row in facts["rows"]}
    # January–March 2025 at K1: Penta1 60 doses for 264 × 3/12 = 66 infants; Penta3 48 → dropout 20 %.
    assert rows["COV_PENTA1"]["short"] == 90.91
    assert rows["DOR_P1P3"]["short"] == 20.0
    assert rows["RED_CAT"]["short"] == 2  # good access, poor use
    assert facts["short_period"] == "202501–202503" and facts["long_period"] == "202404–202503"


def test_reality_has_nothing_to_show_without_data(tree):
    assert reality_indicators(tree["K1"]) is None


def test_the_reality_page_of_a_session_shows_the_figures(worked_example, login, cast, session):
    page = html.unescape(login(cast["coach"]).get(reverse("coaching:stage", args=[session.pk, "reality"]))
                         .content.decode())
    assert "90.91" in page or "90,91" in page
    assert "202501–202503" in page


def test_goal_progress_follows_each_import(cast, relationship, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    goal = services.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(
        indicator="COV_PENTA1", baseline_value=70, target_value=95, problem="red",
        deadline=today + datetime.timedelta(days=120)))
    assert goal.latest_value is None
    with django_capture_on_commit_callbacks(execute=True):
        load(worked_example_rows())
    goal.refresh_from_db()
    # The latest month with data, March 2025: 22 doses for 264/12 = 22 infants → 100 %.
    assert (goal.latest_value, goal.latest_period) == (100, "202503")
    assert goal.progress == 100
    with django_capture_on_commit_callbacks(execute=True):
        load([("PENTA1", "202504", "K1", 11)])
    goal.refresh_from_db()
    assert (goal.latest_value, goal.latest_period) == (50, "202504")
    assert goal.progress == 0


def test_goals_refresh_together_as_each_would_alone_in_a_fixed_number_of_queries(
        cast, tree, relationship, django_assert_max_num_queries):
    from pevcoach.coaching.indicator_link import refresh_goals
    from pevcoach.coaching.models import Goal
    from pevcoach.indicators.queries import indicator_values, latest_period_with_data
    from tests.factories import UserFactory

    today = timezone.localdate()
    load(worked_example_rows() + [("PENTA1", "202504", "K2", 9), ("PENTA3", "202504", "K2", 8)])
    goals = [services.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(
        indicator=code, baseline_value=start, target_value=end, problem="red", deadline=today + datetime.timedelta(
            days=120))) for code, start, end in (("COV_PENTA1", 50, 90), ("DOR_P1P3", 20, 10), ("COV_RR1", 50, 90))]
    for n, unit in enumerate(("K2", "B1")):
        coachee = UserFactory(username=f"more{n}", org_unit=tree[unit], roles=["coachee"])
        other = services.accept_relationship(by=coachee, relationship=services.propose_relationship(
            by=cast["coach"], coach=cast["coach"], coachee=coachee, aims="Aims", rhythm="Monthly"))
        goals.append(services.set_goal(by=cast["coach"], relationship=other, **goal_fields(
            indicator="COV_PENTA3", baseline_value=50, target_value=90, problem="red",
            deadline=today + datetime.timedelta(days=120))))
    alone = {}  # each goal's figure as the indicator engine gives it for its unit's latest month
    for goal in goals:
        last = latest_period_with_data(goal.org_unit)
        value = indicator_values(goal.org_unit, last, [goal.indicator])[0]["value"]
        alone[goal.pk] = (Decimal(str(round(value, 2))), last)
    Goal.objects.update(latest_value=None, latest_period="")
    with django_assert_max_num_queries(16):  # a few per distinct latest month (here two), not per goal
        refresh_goals(Goal.objects.select_related("org_unit"))
    together = {g.pk: (g.latest_value, g.latest_period) for g in Goal.objects.all()}
    assert together == alone
    assert together[goals[3].pk][1] == "202504" and together[goals[0].pk][1] == "202503"


def test_new_figures_move_a_goals_progress_to_the_phones_without_a_new_version(cast, tree, relationship):
    from pevcoach.coaching.indicator_link import refresh_goals_after_import
    from pevcoach.coaching.models import Goal
    from pevcoach.sync import services as sync

    load(worked_example_rows())
    goal = services.set_goal(by=cast["coach"], relationship=relationship, **goal_fields(
        indicator="COV_PENTA1", baseline_value=50, target_value=90, problem="red",
        deadline=timezone.localdate() + datetime.timedelta(days=120)))
    before = Goal.objects.get(pk=goal.pk)
    cursor = datetime.datetime.fromisoformat(sync.pull(user=cast["coachee"])["cursor"]) + sync.CURSOR_OVERLAP
    load([("PENTA1", "202504", "K1", 999)])  # a new month, far better
    refresh_goals_after_import()
    after = Goal.objects.get(pk=goal.pk)
    assert after.latest_period == "202504" and after.latest_value != before.latest_value
    assert after.version == before.version and after.updated_at > before.updated_at
    pulled = sync.pull(user=cast["coachee"], since=cursor)["records"]["goals"]
    assert [row["id"] for row in pulled] == [str(goal.pk)]
