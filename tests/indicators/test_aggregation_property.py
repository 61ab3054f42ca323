"""Through the database: a district's value equals the value computed from its facilities' summed data."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pevcoach.indicators import catalogue
from pevcoach.indicators.compute import Inputs, compute_values, parse_period, prorated_target
from pevcoach.indicators.models import MonthlyReporting, MonthlyTotal, MonthlyValue, YearlyTotal, YearlyValue
from pevcoach.indicators.queries import indicator_values
from tests.indicators.conftest import load

ELEMENTS = ["PENTA1", "PENTA3", "RR1", "BCG", "STOCKOUT_DAYS"]
MONTHS = [202511, 202512, 202601]  # a quarter's worth that crosses a population year
PERIODS = ["202512", "2025Q4", "2026Q1", "2025", "2026"]

month_values = st.dictionaries(st.sampled_from(MONTHS), st.integers(0, 300), max_size=3)
facility = st.fixed_dictionaries({
    "values": st.fixed_dictionaries(dict.fromkeys(ELEMENTS, month_values)),
    "population": st.fixed_dictionaries({2025: st.integers(1, 900), 2026: st.integers(1, 900)}),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({"K1": facility, "K2": facility}), st.sampled_from(PERIODS))
def test_district_equals_its_summed_facilities(tree, data, period):
    for model in (MonthlyValue, YearlyValue, MonthlyTotal, MonthlyReporting, YearlyTotal):
        model.objects.all().delete()  # a fresh start for each example, totals included
    rows = []
    for unit, fac in data.items():
        rows += [(code, str(month), unit, v)
                 for code, by_month in fac["values"].items() for month, v in by_month.items()]
        rows += [("POP_SURVIVING_INFANTS", str(year), unit, p) for year, p in fac["population"].items()]
    load(rows)

    months = parse_period(period).months
    sums = {}
    for code in ELEMENTS:
        present = [fac["values"][code][m] for fac in data.values() for m in months if m in fac["values"][code]]
        if present:
            sums[code] = math.fsum(present)
    population = {year: sum(fac["population"][year] for fac in data.values()) for year in (2025, 2026)}
    reporting = sum(1 for fac in data.values() for m in months
                    if any(m in fac["values"][code] for code in ["PENTA1", "PENTA3", "RR1", "BCG"]))
    expected = compute_values(catalogue.SPECS, Inputs(
        sums=sums, targets={"POP_SURVIVING_INFANTS": prorated_target(population, months)},
        reporting=reporting, expected=2 * len(months)), catalogue.cutoffs())
    got = indicator_values(tree["district"], period)
    assert got == [expected[v["indicator"]].as_dict() for v in got]
    # The region holds no other data: it answers as the district, but for the completeness of its
    # other district's centre B1, which reported nothing.
    region = {v["indicator"]: v for v in indicator_values(tree["region"], period)}
    assert region.pop("DQ_COMPLETE")["denominator"] == 3 * len(months)
    assert list(region.values()) == [v for v in got if v["indicator"] != "DQ_COMPLETE"]
