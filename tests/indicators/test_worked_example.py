"""Indicator values against figures worked out by hand (contract C7), at three levels and three periods.

Populations 2025 (surviving infants): K1 264, K2 120, B1 360, district DB's own figure 300.
  DK has none of its own: 264 + 120 = 384.   DB: 300 (its own wins over B1's 360).
  RA: DK 384 + DB 300 = 684.
Monthly target = population / 12; a quarter 3/12 of it; a year all of it.
"""

import pytest

from pevcoach.indicators.queries import indicator_values


def values(unit, period, codes=None):
    return {v["indicator"]: v for v in indicator_values(unit, period, codes)}


def test_facility_month(worked_example):
    v = values(worked_example["K1"], "202501")
    # Penta1 20 doses over 264/12 = 22 infants a month.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 90.91, "numerator": 20, "denominator": 22.0}
    # BCG 21 over 276/12 = 23 live births.
    assert v["COV_BCG"]["value"] == 91.3
    # Dropout Penta1→Penta3: (20 − 15) / 20.
    assert v["DOR_P1P3"] == {"indicator": "DOR_P1P3", "value": 25.0, "numerator": 5, "denominator": 20.0}
    # Penta1→RR1: (20 − 14) / 20.
    assert v["DOR_P1RR1"]["value"] == 30.0
    assert v["ZD_EST"]["value"] == 2.0  # 22 − 20
    assert v["UNIMM_P3"]["value"] == 7.0  # 22 − 15
    assert v["RED_CAT"]["value"] == 2  # access good (90.91 ≥ 80), use poor (25 > 10)
    # Sessions held (4 + 2) over planned (4 + 4).
    assert v["SESS_HELD"] == {"indicator": "SESS_HELD", "value": 75.0, "numerator": 6, "denominator": 8.0}
    assert v["STOCKOUT"]["value"] == 3
    assert v["DQ_COMPLETE"]["value"] == 100.0  # 1 of 1 centre-month
    assert v["DQ_NEG_DOR"]["value"] == 0 and v["DQ_COV_GT100"]["value"] == 0
    assert v["COV_HPV"]["value"] is None  # no girls' population, no HPV doses


def test_facility_quarter(worked_example):
    v = values(worked_example["K1"], "2025Q1")
    # Penta1 20 + 18 + 22 = 60 over 264 × 3/12 = 66.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 90.91, "numerator": 60, "denominator": 66.0}
    assert v["DOR_P1P3"]["value"] == 20.0  # (60 − 48) / 60
    assert v["ZD_EST"]["value"] == 6.0 and v["UNIMM_P3"]["value"] == 18.0  # 66 − 60, 66 − 48
    assert v["SESS_HELD"]["value"] == 83.33  # (11 + 9) / (12 + 12)
    assert v["STOCKOUT"]["value"] == 3


def test_facility_year(worked_example):
    v = values(worked_example["K1"], "2025")
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 22.73, "numerator": 60, "denominator": 264.0}
    assert v["ZD_EST"]["value"] == 204.0  # 264 − 60
    assert v["RED_CAT"]["value"] == 4  # access poor (22.73), use poor (20)
    assert v["DQ_COMPLETE"] == {"indicator": "DQ_COMPLETE", "value": 25.0, "numerator": 3, "denominator": 12.0}


def test_negative_dropout_is_flagged_where_it_happens(worked_example):
    v = values(worked_example["K2"], "2025Q1")
    # Penta1 10 + 12 + 8 = 30, Penta3 9 + 12 + 10 = 31: more third doses than first.
    assert v["DOR_P1P3"] == {"indicator": "DOR_P1P3", "value": -3.33, "numerator": -1, "denominator": 30.0}
    assert v["DQ_NEG_DOR"]["value"] == 1


def test_district_month(worked_example):
    v = values(worked_example["district"], "202501")
    # Penta1 20 + 10 = 30 over (264 + 120) / 12 = 32.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 93.75, "numerator": 30, "denominator": 32.0}
    assert v["DOR_P1P3"]["value"] == 20.0  # (30 − 24) / 30
    assert v["STOCKOUT"]["value"] == 3  # 3 + 0
    assert v["DQ_COMPLETE"]["value"] == 100.0  # 2 of 2 centres


def test_district_quarter_sums_numerators_and_denominators(worked_example):
    v = values(worked_example["district"], "2025Q1")
    # Penta1 60 + 30 = 90 over 384 × 3/12 = 96; not the mean of 90.91 % and 100 %.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 93.75, "numerator": 90, "denominator": 96.0}
    # Penta3 48 + 31 = 79: (90 − 79) / 90 = 12.22 %.
    assert v["DOR_P1P3"] == {"indicator": "DOR_P1P3", "value": 12.22, "numerator": 11, "denominator": 90.0}
    assert v["RED_CAT"]["value"] == 2
    assert v["DQ_NEG_DOR"]["value"] == 0  # K2's negative dropout disappears in the district's sums
    assert v["STOCKOUT"]["value"] == 8  # 3 + 5
    assert v["ZD_EST"]["value"] == 6.0  # 96 − 90


def test_district_year(worked_example):
    v = values(worked_example["district"], "2025")
    assert v["COV_PENTA1"]["value"] == 23.44  # 90 / 384
    assert v["DQ_COMPLETE"] == {"indicator": "DQ_COMPLETE", "value": 25.0, "numerator": 6, "denominator": 24.0}


def test_a_district_with_its_own_population_uses_it(worked_example):
    v = values(worked_example["other_district"], "2025Q1")
    # B1 Penta1 90 over DB's own 300 × 3/12 = 75 (not B1's 360).
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 120.0, "numerator": 90, "denominator": 75.0}
    assert v["DQ_COV_GT100"]["value"] == 1
    assert values(worked_example["B1"], "2025Q1")["COV_PENTA1"]["value"] == 100.0  # 90 / 90


def test_region_month(worked_example):
    v = values(worked_example["region"], "202503")
    # Penta1 22 + 8 + 35 = 65 over 684 / 12 = 57.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 114.04, "numerator": 65, "denominator": 57.0}


def test_region_quarter(worked_example):
    v = values(worked_example["region"], "2025Q1")
    # Penta1 90 + 90 = 180 over 684 × 3/12 = 171; Penta3 79 + 66 = 145.
    assert v["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 105.26, "numerator": 180, "denominator": 171.0}
    assert v["DOR_P1P3"]["value"] == 19.44  # 35 / 180
    assert v["ZD_EST"] == {"indicator": "ZD_EST", "value": -9.0, "numerator": 180, "denominator": 171.0}
    assert v["DQ_COV_GT100"]["value"] == 1
    assert v["RED_CAT"]["value"] == 2
    assert v["DQ_COMPLETE"]["value"] == 100.0  # 3 centres × 3 months, all reported


def test_region_year(worked_example):
    v = values(worked_example["region"], "2025")
    assert v["COV_PENTA1"]["value"] == 26.32  # 180 / 684
    assert v["DQ_COMPLETE"]["value"] == 25.0  # 9 of 36 centre-months
    # RR1 (14 + 15 + 13) + (8 + 9 + 7) + (27 + 26 + 28) = 147 over 684.
    assert v["COV_RR1"] == {"indicator": "COV_RR1", "value": 21.49, "numerator": 147, "denominator": 684.0}


@pytest.mark.parametrize("period", ["202504", "2025Q2", "2024"])
def test_periods_without_data_give_null_values(worked_example, period):
    v = values(worked_example["district"], period)
    assert v["COV_PENTA1"]["value"] is None and v["DOR_P1P3"]["value"] is None and v["RED_CAT"]["value"] is None


def test_every_indicator_of_the_catalogue_answers_in_order(worked_example):
    from pevcoach.indicators.catalogue import INDICATORS

    assert [v["indicator"] for v in indicator_values(worked_example["K1"], "202501")] == [
        i.code for i in INDICATORS]
    assert [v["indicator"] for v in indicator_values(worked_example["K1"], "202501", ["RED_CAT", "COV_BCG"])] == [
        "RED_CAT", "COV_BCG"]
