"""Property tests of the SMART check: any draft gets five verdicts and never an exception; a goal
complete on every criterion passes; each missing piece is named by its own criterion."""

import datetime
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pevcoach.coaching.smart import GoalDraft, check_smart, problems

TODAY = datetime.date(2026, 3, 1)
numbers = st.none() | st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=2)
dates = st.none() | st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1))
drafts = st.builds(
    GoalDraft, kind=st.sampled_from(["indicator", "practice", ""]), has_facility=st.booleans(), today=st.just(TODAY),
    indicator=st.sampled_from(["", "COV_PENTA3", "DOR_P1P3", "ZD_EST"]),
    indicator_kind=st.sampled_from(["", "coverage", "dropout", "count", "percent", "flag"]),
    indicator_direction=st.sampled_from(["up", "down"]), practice=st.text(max_size=30), baseline=numbers,
    target=numbers, source=st.text(max_size=10), problem=st.sampled_from(["", "red", "dropout", "other"]),
    start=dates, deadline=dates, review_dates=st.lists(st.dates(), max_size=3))


@given(drafts)
def test_any_draft_gets_five_verdicts_with_a_message_each(draft):
    verdicts = check_smart(draft)
    assert [v.criterion for v in verdicts] == ["S", "M", "A", "R", "T"]
    assert all(v.message for v in verdicts)
    assert not [v for v in verdicts if v.criterion == "A" and v.blocking]  # achievable only warns


good_coverage = st.builds(
    lambda baseline, step, days: GoalDraft(
        kind="indicator", has_facility=True, today=TODAY, indicator="COV_PENTA3", indicator_kind="coverage",
        indicator_direction="up", baseline=baseline, target=min(Decimal(100), baseline + step), source="DHIS2",
        problem="red", start=TODAY, deadline=TODAY + datetime.timedelta(days=days),
        review_dates=[TODAY + datetime.timedelta(days=days // 2)]),
    st.decimals(min_value=0, max_value=95, places=1), st.decimals(min_value=1, max_value=5, places=1),
    st.integers(30, 365))


@given(good_coverage)
def test_a_complete_goal_passes_every_criterion(draft):
    assert all(v.ok for v in check_smart(draft)), [v.message for v in check_smart(draft) if not v.ok]


@given(good_coverage, st.sampled_from(["S", "M", "R", "T"]))
def test_taking_one_piece_away_fails_that_criterion_only(draft, criterion):
    broken = {
        "S": replace(draft, has_facility=False), "M": replace(draft, source=" "), "R": replace(draft, problem=""),
        "T": replace(draft, review_dates=[]),
    }[criterion]
    assert [v.criterion for v in problems(check_smart(broken))] == [criterion]


@given(good_coverage)
def test_a_target_on_the_wrong_side_of_the_baseline_is_not_measurable(draft):
    backwards = replace(draft, indicator_direction="down")
    assert "M" in [v.criterion for v in problems(check_smart(backwards))]
