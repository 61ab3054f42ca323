"""Ranking coachees by need, with reasons. No database."""

import datetime

from django.utils import translation

from pevcoach.dashboards import need

TODAY = datetime.date(2026, 3, 1)


def test_a_goal_past_its_deadline_or_behind_its_line_is_off_track():
    start, deadline = datetime.date(2026, 1, 1), datetime.date(2026, 5, 1)
    common = {"status": "active", "start": start, "baseline": 18, "target": 10, "today": TODAY}
    assert need.goal_off_track(deadline=datetime.date(2026, 2, 1), latest=None, **common)
    assert need.goal_off_track(deadline=deadline, latest=19, **common)  # half the time gone, going the wrong way
    assert not need.goal_off_track(deadline=deadline, latest=15, **common)  # 3/8 of the way: on the line
    assert not need.goal_off_track(deadline=deadline, latest=None, **common)  # nothing measured yet
    assert not need.goal_off_track(**{**common, "status": "achieved"}, deadline=datetime.date(2026, 2, 1),
                                   latest=None)


def test_worsening_depends_on_the_indicators_direction():
    assert need.worsened("up", 84, 76) and not need.worsened("up", 84, 80)
    assert need.worsened("down", 8, 15) and not need.worsened("down", 15, 8)
    assert not need.worsened("flag", 0, 1) and not need.worsened("up", None, 50)


def test_reasons_explain_the_score():
    facts = need.Facts(last_session=TODAY - datetime.timedelta(days=52), overdue_actions=2, goals_off_track=1,
                       worsening=[("Penta3 coverage", 84.2, 76.0)], flags=["Negative dropout"], red_category=4)
    with translation.override("en"):
        score, reasons = need.assess(facts, TODAY)
    assert reasons == ["Last session 52 days ago", "2 overdue actions", "1 goal off track",
                       "Penta3 coverage worsening: 84 → 76", "Data-quality alert: Negative dropout",
                       "RED category 4: poor access and poor use"]
    assert score == 2 + 2 + 2 + 1.5 + 1 + 1


def test_nobody_in_need_scores_nothing_and_a_new_pair_comes_first():
    quiet = need.Facts(last_session=TODAY - datetime.timedelta(days=10))
    assert need.assess(quiet, TODAY) == (0, [])
    with translation.override("en"):
        score, reasons = need.assess(need.Facts(), TODAY)
    assert score > 0 and reasons == ["No session held yet"]
