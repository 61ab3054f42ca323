"""`Figures.monthly` and `terms_each_month` (the sparklines' and the impact view's fast paths) give what
`values` gives for each month alone."""

import pytest

from pevcoach.dashboards import queries
from pevcoach.indicators import catalogue
from pevcoach.orgunits.models import OrgUnit
from tests.indicators.conftest import load, worked_example_rows

CODES = [i.code for i in catalogue.INDICATORS]


def test_monthly_is_each_month_alone(tree):
    load(worked_example_rows() + [("PENTA1", "202412", "K1", 7), ("POP_SURVIVING_INFANTS", "2024", "K1", 200)])
    units = list(OrgUnit.objects.all())
    months = [202411, 202412, 202501, 202502, 202503, 202504]  # two population years, months without data
    figures = queries.load_figures(units, months)
    for unit in units:
        for code in CODES:
            assert figures.monthly(unit.pk, months, code) == [
                figures.values(unit.pk, [m], [code])[code]["value"] for m in months], (unit.name, code)


def test_terms_each_month_are_the_numerators_and_denominators_of_each_month(tree):
    load(worked_example_rows() + [("PENTA1", "202412", "K1", 7), ("POP_SURVIVING_INFANTS", "2024", "K1", 200)])
    units = list(OrgUnit.objects.all())
    months = [202411, 202412, 202501, 202502, 202503, 202504]
    figures = queries.load_figures(units, months)
    seen = 0
    for unit in units:
        for code in [i.code for i in catalogue.INDICATORS if i.kind in ("coverage", "dropout", "percent")]:
            terms = figures.terms_each_month(unit.pk, months, code)
            for month in months:
                alone = figures.values(unit.pk, [month], [code])[code]
                numerator, denominator = terms[month]
                assert (numerator is None) == (alone["numerator"] is None)
                assert (denominator is None) == (alone["denominator"] is None)
                if numerator is not None:
                    assert numerator == pytest.approx(alone["numerator"])
                    seen += 1
                if denominator is not None:
                    assert denominator == pytest.approx(alone["denominator"])
    assert seen  # the worked example has data in these months
