"""The demo's immunization figures: deterministic, plausible, and showing every indicator and flag."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from pevcoach.indicators.demo import demo_records, last_complete_month
from pevcoach.indicators.models import MonthlyValue, YearlyValue
from pevcoach.indicators.queries import indicator_series, indicator_values, latest_period_with_data
from pevcoach.orgunits.models import Level, OrgUnit

TODAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def snapshot():
    out = io.StringIO()
    call_command("dumpdata", "indicators", "--exclude", "indicators.importlog", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=io.StringIO())


def test_loading_twice_leaves_the_same_figures(demo):
    first = snapshot()
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == first


def test_figures_depend_on_the_month_not_on_the_day(db):
    call_command("load_demo", stdout=io.StringIO())  # org units
    on_the_20th = demo_records(datetime.date(2026, 11, 20))
    assert demo_records(datetime.date(2026, 11, 2)) == on_the_20th
    next_month = {(r.data_element, r.period, r.org_unit): r.value for r in demo_records(datetime.date(2026, 12, 1))}
    shared = [r for r in on_the_20th if (r.data_element, r.period, r.org_unit) in next_month]
    assert shared and all(next_month[(r.data_element, r.period, r.org_unit)] == r.value for r in shared)


def test_24_months_ending_with_the_last_complete_month_for_every_centre(demo):
    assert last_complete_month(datetime.date(2026, 1, 15)) == 202512
    months = sorted(set(MonthlyValue.objects.values_list("month", flat=True)))
    assert len(months) == 24 and months[0] == 202411 and months[-1] == 202610
    centres = OrgUnit.objects.filter(level=Level.FACILITY)
    assert set(MonthlyValue.objects.values_list("org_unit", flat=True).distinct()) == set(
        centres.values_list("pk", flat=True))
    for population in YearlyValue.objects.filter(data_element__code="POP_SURVIVING_INFANTS", year=2024):
        assert 150 <= population.value <= 600


def test_every_indicator_and_flag_shows_up(demo):
    region = OrgUnit.objects.get(code="RS-SIKASSO")
    centres = OrgUnit.objects.filter(level=Level.FACILITY).order_by("code")
    seen = {}
    for centre in centres:
        for v in indicator_values(centre, "2025"):
            seen.setdefault(v["indicator"], set()).add(v["value"])
    assert {1, 2, 3, 4} <= seen["RED_CAT"]
    assert all(seen[code] - {None} for code in seen), [code for code in seen if not seen[code] - {None}]
    assert 1 in seen["DQ_COV_GT100"]
    monthly = {v["value"] for c in centres for v in indicator_series(c, "DQ_NEG_DOR", "202610", 24)}
    assert 1 in monthly  # negative dropout in some centre-months
    completeness = [v["value"] for v in indicator_series(region, "DQ_COMPLETE", "202610", 24)]
    assert min(completeness) < 100  # months not reported
    outliers = {v["value"] for c in centres for v in indicator_series(c, "DQ_OUTLIER", "202610", 12)}
    assert 1 in outliers
    assert indicator_values(region, "2025", ["STOCKOUT"])[0]["value"] > 0


def test_the_coachees_centres_tell_their_story(demo):
    kadiolo = OrgUnit.objects.get(code="CS-KADIOLO-1")
    assert latest_period_with_data(kadiolo) in {"202610", "202609", "202608"}
    assert indicator_values(kadiolo, "2025", ["RED_CAT"])[0]["value"] == 2
    assert indicator_values(OrgUnit.objects.get(code="CS-BOUGOUNI-1"), "2025", ["RED_CAT"])[0]["value"] == 3
