"""Each dashboard runs a fixed number of queries whatever the size of the subtree (issue 6, point 8).

Every page is measured on the small world, then the district grows by five health centres, each
with a year of figures, a coachee, a real relationship, sessions, a goal and actions: the page must
then run exactly as many queries (django_assert_num_queries), and never many to begin with.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from pevcoach.dashboards.homes import coach_home
from tests.dashboards.conftest import _coaching, _relationship, data_months
from tests.factories import OrgUnitFactory, UserFactory
from tests.indicators.conftest import load

MOST = 30  # queries on any of these pages, session and user included


def grow(world, n=5):
    rows = []
    for i in range(n):
        centre = OrgUnitFactory(name=f"CSCom K{i + 3}", code=f"K{i + 3}", parent=world["district"])
        rows += [("POP_SURVIVING_INFANTS", str(y), centre.code, 300) for y in sorted({m // 100 for m in data_months()})]
        rows += [(element, str(m), centre.code, v) for m in data_months()
                 for element, v in (("PENTA1", 25), ("PENTA3", 20), ("RR1", 19))]
        coachee = UserFactory(username=f"grown{i}", org_unit=centre, roles=["coachee"])
        _coaching(_relationship(world["coach"], coachee), summary="grown", ratings=(4,), overdue_text=f"grown {i}")
    load(rows)


PAGES = {
    "district dashboard": ("district_manager", lambda w: f"/dashboards/u/{w['district'].pk}/"),
    "region dashboard": ("region_manager", lambda w: f"/dashboards/u/{w['region'].pk}/?sort=COV_PENTA3"),
    "country dashboard": ("superuser", lambda w: f"/dashboards/u/{w['country'].pk}/"),
    "health centre": ("district_manager", lambda w: f"/dashboards/u/{w['K1'].pk}/"),
    "gap map": ("region_manager", lambda w: f"/dashboards/u/{w['region'].pk}/map/?colour=COV_PENTA3"),
    "impact": ("region_manager", lambda w: f"/dashboards/u/{w['district'].pk}/impact/"),
    "monthly report": ("district_manager", lambda w: f"/dashboards/u/{w['district'].pk}/report.pdf"),
    "sessions export": ("district_manager", lambda w: "/dashboards/exports/sessions.xlsx"),
    "indicators export": ("district_manager", lambda w: "/dashboards/exports/indicators.csv"),
    "goals export": ("district_manager", lambda w: "/dashboards/exports/goals.csv"),
    "actions export": ("district_manager", lambda w: "/dashboards/exports/actions.csv"),
    "checklists export": ("region_manager", lambda w: "/dashboards/exports/checklists.xlsx"),
    "coach home": ("coach", lambda w: "/"),
    "coachee home": ("coachee", lambda w: "/"),
}


@pytest.mark.parametrize("name", PAGES)
@override_settings(LARGE_AREA_COUNTS_SECONDS=0)  # a region's coaching counted at each view, as a district's
def test_page_runs_a_fixed_number_of_queries(login, world, django_assert_num_queries, name):
    who, url = PAGES[name]
    client = login(world[who])
    client.get(url(world))  # warm up: the session's first save, caches
    cache.clear()  # figures worked out afresh, as on the first view after an import
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    assert len(small) <= MOST, f"{name}: {len(small)} queries"
    grow(world)  # an import: the figures cached above are not read again
    with django_assert_num_queries(len(small)):
        assert client.get(url(world)).status_code == 200
    with CaptureQueriesContext(connection) as again:  # until the next import, from the cache
        assert client.get(url(world)).status_code == 200
    assert len(again) <= len(small)


def test_the_coach_home_grows_no_queries_with_the_coachees(world, django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        assert len(coach_home(world["coach"])["coachees"]) == 1
    grow(world)
    with django_assert_num_queries(len(few)):
        assert len(coach_home(world["coach"])["coachees"]) == 6
