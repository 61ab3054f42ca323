"""The indicator arithmetic alone: plain values in, plain values out, no database."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pevcoach.indicators import catalogue
from pevcoach.indicators.compute import (
    Cutoffs,
    Inputs,
    PeriodError,
    add_months,
    compute_values,
    count_outliers,
    dropout,
    effective_populations,
    is_outlier,
    month_range,
    parse_month,
    parse_period,
    percent,
    prorated_target,
    red_category,
)


@pytest.mark.parametrize(("text", "months"), [
    ("202507", (202507,)),
    ("2025Q1", (202501, 202502, 202503)),
    ("2025Q4", (202510, 202511, 202512)),
    ("2025", tuple(202500 + m for m in range(1, 13))),
])
def test_periods(text, months):
    assert parse_period(text).months == months


@pytest.mark.parametrize("text", ["", "2025-07", "202500", "202513", "2025Q0", "2025Q5", "2025W27", "2025S1",
                                  "25", "abcd", "1800", "20250701", None])
def test_bad_periods(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_parse_month_wants_a_month():
    assert parse_month("202507") == 202507
    with pytest.raises(PeriodError):
        parse_month("2025")


def test_month_arithmetic():
    assert add_months(202501, -1) == 202412 and add_months(202412, 1) == 202501 and add_months(202507, -19) == 202312
    assert month_range(202502, 4) == [202411, 202412, 202501, 202502]


def test_prorated_target():
    assert prorated_target({2025: 264}, [202501, 202502, 202503]) == 66
    assert prorated_target({2025: 264}, parse_period("2025").months) == 264
    # A 12-month window over two population years: each month takes 1/12 of its own year.
    assert prorated_target({2024: 120, 2025: 240}, month_range(202503, 12)) == 9 * 10 + 3 * 20
    assert prorated_target({2025: 240}, month_range(202503, 12)) is None  # 2024 unknown


def test_population_rule_own_value_else_sum_of_children():
    #   1 ─ 2 ─ 4 (40), 5 (60)
    #     └ 3 (own 300) ─ 6 (500)
    #     └ 7 ─ 8 (nothing)
    units = [(1, None, 1), (2, 1, 2), (3, 1, 2), (4, 2, 3), (5, 2, 3), (6, 3, 3), (7, 1, 2), (8, 7, 3)]
    result = effective_populations(units, {4: 40, 5: 60, 3: 300, 6: 500})
    assert result == {4: 40, 5: 60, 6: 500, 2: 100, 3: 300, 1: 400}


def test_ratios():
    assert percent(125, 150) == pytest.approx(83.333, abs=1e-3)
    assert percent(5, 0) is None and percent(None, 10) is None
    assert dropout(100, 90) == 10 and dropout(90, 100) == pytest.approx(-11.111, abs=1e-3)
    assert dropout(0, 0) is None and dropout(10, None) is None


@pytest.mark.parametrize(("coverage", "dropout_rate", "category"), [
    (80, 10, 1), (95, 3, 1), (85, 10.01, 2), (79.99, 5, 3), (50, 30, 4), (None, 5, None), (90, None, None),
])
def test_red_category(coverage, dropout_rate, category):
    assert red_category(coverage, dropout_rate) == category


def test_red_cut_offs_are_configurable():
    assert red_category(85, 8) == 1
    assert red_category(85, 8, access_min=90, dropout_max=5) == 4


def test_outliers():
    history = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40]
    assert is_outlier(80, history) and is_outlier(0, history)
    assert not is_outlier(44, history)
    assert not is_outlier(80, history[:5])  # too little history
    assert not is_outlier(80, [40] * 12)  # a flat history has no spread to judge by
    series = {"PENTA1": {202400 + m: v for m, v in enumerate(history, start=1)} | {202501: 90}}
    assert count_outliers(series, [202501]) == (1, 1)


def values(inputs, **cutoffs):
    return {code: v.as_dict() for code, v in compute_values(catalogue.SPECS, inputs, Cutoffs(**cutoffs)).items()}


def test_every_formula_of_the_catalogue_is_understood():
    result = values(Inputs())
    assert set(result) == set(catalogue.BY_CODE)
    assert all(v["value"] is None for v in result.values())


def test_indicators_from_plain_inputs():
    inputs = Inputs(sums={"PENTA1": 125, "PENTA3": 110, "RR1": 100, "RR2": 70, "STOCKOUT_DAYS": 4,
                          "SESSIONS_FIXED_PLANNED": 8, "SESSIONS_FIXED_HELD": 8, "SESSIONS_OUTREACH_HELD": 3},
                    targets={"POP_SURVIVING_INFANTS": 150.0}, reporting=5, expected=6)
    v = values(inputs)
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 83.33, "numerator": 125, "denominator": 150.0}
    assert v["DOR_P1P3"]["value"] == 12.0 and v["DOR_RR1RR2"]["value"] == 30.0
    assert v["RED_CAT"]["value"] == 2
    assert v["ZD_EST"] == {"indicator": "ZD_EST", "value": 25.0, "numerator": 125, "denominator": 150.0}
    assert v["SESS_HELD"]["value"] == 137.5  # outreach held without a plan: counted, and it shows
    assert v["STOCKOUT"] == {"indicator": "STOCKOUT", "value": 4, "numerator": 4, "denominator": None}
    assert v["DQ_COMPLETE"]["value"] == 83.33
    assert (v["DQ_NEG_DOR"]["value"], v["DQ_COV_GT100"]["value"]) == (0, 0)
    assert v["DQ_OUTLIER"]["value"] is None  # not checked
    assert values(inputs, red_access_min=90)["RED_CAT"]["value"] == 4


def test_negative_dropout_and_coverage_above_100_are_flagged():
    v = values(Inputs(sums={"PENTA1": 10, "PENTA3": 12, "RR1": 4}, targets={"POP_SURVIVING_INFANTS": 8.0}))
    assert v["DOR_P1P3"]["value"] == -20.0
    assert v["DQ_NEG_DOR"]["value"] == 1 and v["DQ_COV_GT100"]["value"] == 1
    v = values(Inputs(sums={"PENTA1": 10, "RR1": 11}))  # MR1 above Penta1 is negative dropout too
    assert v["DQ_NEG_DOR"]["value"] == 1


# --- Aggregation consistency (property tests) ---------------------------------------------------

counts = st.integers(min_value=0, max_value=500)
facility = st.fixed_dictionaries({
    "PENTA1": counts, "PENTA3": counts, "RR1": counts, "RR2": counts, "BCG": counts,
    "SESSIONS_FIXED_PLANNED": st.integers(0, 8), "SESSIONS_FIXED_HELD": st.integers(0, 8),
    "SESSIONS_OUTREACH_PLANNED": st.integers(0, 8), "SESSIONS_OUTREACH_HELD": st.integers(0, 8),
    "POP_SURVIVING_INFANTS": st.integers(min_value=1, max_value=900),
})


@given(st.lists(facility, min_size=1, max_size=8), st.sampled_from(["202507", "2025Q3", "2025"]))
def test_district_ratios_are_ratios_of_sums(facilities, period):
    months = parse_period(period).months
    sums = {code: math.fsum(f[code] for f in facilities) for code in facilities[0] if not code.startswith("POP")}
    target = prorated_target({2025: sum(f["POP_SURVIVING_INFANTS"] for f in facilities)}, months)
    v = values(Inputs(sums=sums, targets={"POP_SURVIVING_INFANTS": target}))
    p1, p3 = sums["PENTA1"], sums["PENTA3"]
    assert v["COV_PENTA1"]["value"] == round(100 * p1 / target, 2)
    assert v["DOR_P1P3"]["value"] == (round(100 * (p1 - p3) / p1, 2) if p1 else None)
    assert v["ZD_EST"]["value"] == round(target - p1, 2)
    assert v["DQ_NEG_DOR"]["value"] == int(p3 > p1 or sums["RR1"] > p1)
    assert v["COV_PENTA1"]["numerator"] == sum(f["PENTA1"] for f in facilities)
