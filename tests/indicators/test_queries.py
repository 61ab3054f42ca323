"""The reads other apps call: values, series, latest month, any run of months; who sees which import."""

import io

import pytest
from django.core.management import call_command

from pevcoach.indicators.compute import PeriodError
from pevcoach.indicators.models import ImportLog, ImportSource, ImportStatus, MonthlyTotal
from pevcoach.indicators.queries import (
    UnknownIndicator,
    import_logs_visible_to,
    indicator_series,
    indicator_values,
    indicator_values_between,
    latest_period_with_data,
    latest_periods_with_data,
)
from pevcoach.orgunits.services import update_org_unit
from tests.indicators.conftest import load


def test_latest_period_with_data(worked_example):
    assert latest_period_with_data(worked_example["district"]) == "202503"
    assert latest_period_with_data(worked_example["far_district"]) is None
    load([("STOCKOUT_DAYS", "202506", "K1", 2)])  # not a dose: not "data" for coaching's purpose
    assert latest_period_with_data(worked_example["K1"]) == "202503"


def test_latest_periods_of_many_units_at_once_are_those_of_each(worked_example, django_assert_max_num_queries):
    load([("PENTA1", "202409", "K2", 3)])
    load([("PENTA1", str(month), "B1", 3) for month in (202501, 202502, 202503)] + [("PENTA1", "202601", "B1", 4)])
    units = [worked_example[name] for name in ("country", "region", "district", "far_district", "K1", "K2", "B1")]
    with django_assert_max_num_queries(8):
        found = latest_periods_with_data(units)
    assert found == {u.pk: latest_period_with_data(u) for u in units if latest_period_with_data(u)}
    assert found[worked_example["B1"].pk] == "202601" and worked_example["far_district"].pk not in found


def test_values_between_any_two_months(worked_example):
    [v] = indicator_values_between(worked_example["K1"], "202502", "202503", ["COV_PENTA1"])
    assert v == {"indicator": "COV_PENTA1", "value": 90.91, "numerator": 40, "denominator": 44.0}
    assert indicator_values_between(worked_example["K1"], "202501", "202503") == indicator_values(
        worked_example["K1"], "2025Q1")
    with pytest.raises(PeriodError):
        indicator_values_between(worked_example["K1"], "202503", "202501")


def test_series(worked_example):
    series = indicator_series(worked_example["district"], "DOR_P1P3", "202503", 3)
    assert series == [
        {"period": "202501", "value": 20.0, "numerator": 6, "denominator": 30.0},  # (30 − 24) / 30
        {"period": "202502", "value": 3.33, "numerator": 1, "denominator": 30.0},  # (30 − 29) / 30
        {"period": "202503", "value": 13.33, "numerator": 4, "denominator": 30.0},  # (30 − 26) / 30
    ]
    # K2: Penta1 10, 12, 8 against Penta3 9, 12, 10.
    assert [p["value"] for p in indicator_series(worked_example["K2"], "DQ_NEG_DOR", "202503", 3)] == [0, 0, 1]


def test_series_and_values_reject_unknown_indicators_and_bad_months(worked_example):
    with pytest.raises(UnknownIndicator):
        indicator_values(worked_example["K1"], "2025", ["NOPE"])
    with pytest.raises(UnknownIndicator):
        indicator_series(worked_example["K1"], "NOPE", "202503", 12)
    with pytest.raises(PeriodError):
        indicator_series(worked_example["K1"], "COV_PENTA1", "2025", 12)
    with pytest.raises(ValueError, match="months"):
        indicator_series(worked_example["K1"], "COV_PENTA1", "202503", 0)


def test_an_outlying_month_is_flagged(tree):
    steady = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40]
    rows = [("PENTA1", f"2024{m:02d}", "K1", v) for m, v in enumerate(steady, start=1)]
    load([*rows, ("PENTA1", "202501", "K1", 120), ("PENTA1", "202502", "K1", 41)])
    flags = [p["value"] for p in indicator_series(tree["K1"], "DQ_OUTLIER", "202502", 2)]
    assert flags == [1, 0]
    [quarter] = indicator_values(tree["district"], "2025Q1", ["DQ_OUTLIER"])
    assert quarter["value"] == 1


def test_unit_edits_made_by_hand_are_caught_up_by_refresh_totals(worked_example):
    # Moving K2 under district B by hand (the org-unit pages) leaves the totals behind …
    update_org_unit(worked_example["K2"], parent=worked_example["other_district"])
    stale = MonthlyTotal.objects.get(org_unit=worked_example["district"], data_element__code="PENTA1", month=202501)
    assert stale.value == 30
    # … until they are refreshed.
    call_command("dhis2_import", "--refresh-totals", stdout=io.StringIO())
    [v] = indicator_values(worked_example["district"], "202501", ["COV_PENTA1"])
    assert v["numerator"] == 20


def test_import_logs_are_seen_within_ones_area(cast, tree):
    national = ImportLog.objects.create(source=ImportSource.SERVER, status=ImportStatus.SUCCESS)
    district = ImportLog.objects.create(source=ImportSource.DATA_VALUES_FILE, status=ImportStatus.SUCCESS,
                                        scope=tree["district"], user=cast["district_admin"])
    assert set(import_logs_visible_to(cast["superuser"])) == {national, district}
    assert set(import_logs_visible_to(cast["district_admin"])) == {district}
    assert set(import_logs_visible_to(cast["region_manager"])) == {district}  # manager and admin of region A
    assert not import_logs_visible_to(cast["far_admin"]).exists()
    assert not import_logs_visible_to(cast["coachee"]).exists()
    assert not import_logs_visible_to(cast["district_manager"]).exists()  # a manager, not an administrator
