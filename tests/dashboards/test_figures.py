"""The batched reads give exactly what the indicators app gives, unit by unit, in a fixed number of queries."""

from pevcoach.dashboards import queries
from pevcoach.indicators import catalogue
from pevcoach.indicators.compute import month_range
from pevcoach.indicators.queries import indicator_values_between
from pevcoach.orgunits.models import OrgUnit
from pevcoach.orgunits.queries import leaves_among
from tests.indicators.conftest import load, worked_example_rows

CODES = [i.code for i in catalogue.INDICATORS]


def test_batched_values_match_the_indicators_app_for_every_unit(tree):
    load(worked_example_rows())
    units = list(OrgUnit.objects.all())
    for months in ([202501, 202502, 202503], [202502], month_range(202503, 12)):
        figures = queries.load_figures(units, months)
        for unit in units:
            expected = indicator_values_between(unit, str(months[0]), str(months[-1]), CODES)
            got = figures.values(unit.pk, months, CODES)
            assert [got[code] for code in CODES] == expected, unit.name


def test_narrowed_reads_give_the_same_values(tree):
    load(worked_example_rows())
    units = list(OrgUnit.objects.all())
    months = [202501, 202502, 202503]
    everything = queries.load_figures(units, months)
    for codes in (["COV_PENTA3"], ["RED_CAT"], ["ZD_EST", "DOR_P1P3"], ["DQ_COMPLETE"], ["SESS_HELD"]):
        narrow = queries.load_figures(units, months, codes)
        for unit in units:
            assert narrow.values(unit.pk, months, codes) == everything.values(unit.pk, months, codes)


def test_latest_month_and_leaves(tree):
    load(worked_example_rows())
    units = list(OrgUnit.objects.all())
    leaves = leaves_among(units)
    assert {u.code for u in units if u.pk in leaves} == {"K1", "K2", "B1", "Z1"}
    assert queries.latest_month([tree["region"]]) == 202503
    assert queries.latest_month([tree["K2"], tree["far_district"]]) == 202503
    assert queries.latest_month([tree["far_region"]]) is None


def test_reads_take_the_same_number_of_queries_for_two_units_or_all(tree, django_assert_num_queries):
    load(worked_example_rows())
    months = [202501, 202502, 202503]
    everything = list(OrgUnit.objects.all())
    with django_assert_num_queries(7):
        queries.load_figures([tree["district"], tree["K1"]], months)
    with django_assert_num_queries(7):
        queries.load_figures(everything, months)
