"""Difference in differences on plain values. No database."""

from pevcoach.dashboards import impact

MONTHS = [202501, 202502, 202503, 202504, 202505, 202506]


def months(values, den=100):
    return {m: (v, den) for m, v in zip(MONTHS, values, strict=True)}


def test_two_by_two_difference_in_differences():
    coached = {1: (202504, months([60, 60, 60, 80, 80, 80]))}  # +20 points after coaching
    control = {2: months([70, 70, 70, 75, 75, 75]), 3: months([70, 70, 70, 75, 75, 75])}  # +5 points
    result = impact.difference_in_differences(coached, control, MONTHS)
    assert result["coached_before"] == 60 and result["coached_after"] == 80
    assert result["control_before"] == 70 and result["control_after"] == 75
    assert result["difference"] == 15
    assert (result["n_coached"], result["n_control"], result["n_excluded"]) == (1, 2, 0)
    assert result["too_few"]


def test_staggered_starts_compare_each_facility_with_the_control_over_its_own_months():
    coached = {1: (202503, months([50, 50, 70, 70, 70, 70])), 2: (202505, months([50, 50, 50, 50, 70, 70]))}
    control = {9: months([50, 50, 50, 50, 60, 60])}
    result = impact.difference_in_differences(coached, control, MONTHS)
    # Control over facility 1's months: before 50, after (50+50+60+60)/4 = 55; over facility 2's: 50 then 60.
    assert round(result["control_before"], 6) == 50
    assert round(result["control_after"], 6) == round((50 + 50 + 60 + 60 + 60 + 60) / 6, 6)
    assert result["coached_change"] == 20


def test_ratios_add_numerators_and_denominators():
    assert impact.ratio([(50, 100), (10, 100), (None, 100), (5, 0)]) == 30
    assert impact.ratio([]) is None


def test_a_facility_coached_too_recently_is_left_out():
    coached = {1: (202507, months([60, 60, 60, 60, 60, 60]))}  # starts after the data
    result = impact.difference_in_differences(coached, {2: months([1] * 6)}, MONTHS)
    assert result["n_coached"] == 0 and result["n_excluded"] == 1 and result["difference"] is None


def test_group_series_month_by_month():
    series = impact.group_series([months([10, 20, 30, 40, 50, 60]), months([30, None, 30, 40, 50, 60])], MONTHS)
    assert series == [20, 20, 30, 40, 50, 60]
