import datetime

from pevcoach.coaching.scoring import aggregate_ratings, checklist_scores, ratings_by_quarter


def test_yes_counts_one_partly_half_and_na_is_left_out():
    sections, total = checklist_scores([("cold", "yes"), ("cold", "partly"), ("cold", "na"), ("data", "no")])
    assert sections == {"cold": 75.0, "data": 0.0}
    assert total == 50.0


def test_a_section_of_only_not_applicable_has_no_score():
    sections, total = checklist_scores([("aefi", "na")])
    assert sections == {"aefi": None} and total is None


def test_ratings_hidden_below_three():
    rows = [{"a": 5}, {"a": 3}]
    assert aggregate_ratings(rows, ["a"]) is None
    assert aggregate_ratings(rows + [{"a": 4}], ["a"]) == {"count": 3, "a": 4.0}


def test_ratings_by_quarter_skip_thin_quarters():
    at = [datetime.datetime(2026, m, 1) for m in (1, 2, 3, 4)]
    rows = [{"a": 4, "created_at": d} for d in at]
    assert ratings_by_quarter(rows, ["a"]) == [("2026Q1", {"count": 3, "a": 4.0})]
