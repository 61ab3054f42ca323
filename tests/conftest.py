"""The cast of the tests: one small pyramid and the people in it.

    Mali
    └── Région A ─ district K (Kadiolo-like): centres K1, K2
    │            └ district B (Bougouni-like): centre B1
    └── Région Z ─ district Z: centre Z1

coach and district_manager, district_admin work in K; coachee in K1; sibling in K2;
region_manager oversees A; outsider is a coach in B; far_admin administers Z.
"""

import pytest

from pevcoach.accounts.models import JobTitle
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no figures worked out by another (figures_cache.py)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db):
    country = OrgUnitFactory(name="Mali", code="MLI")
    region = OrgUnitFactory(name="Région A", code="RA", parent=country)
    district = OrgUnitFactory(name="District K", code="DK", parent=region)
    other_district = OrgUnitFactory(name="District B", code="DB", parent=region)
    far_region = OrgUnitFactory(name="Région Z", code="RZ", parent=country)
    far_district = OrgUnitFactory(name="District Z", code="DZ", parent=far_region)
    return {
        "country": country, "region": region, "district": district, "other_district": other_district,
        "K1": OrgUnitFactory(name="CSCom K1", code="K1", parent=district),
        "K2": OrgUnitFactory(name="CSCom K2", code="K2", parent=district),
        "B1": OrgUnitFactory(name="CSCom B1", code="B1", parent=other_district),
        "far_region": far_region, "far_district": far_district,
        "Z1": OrgUnitFactory(name="CSCom Z1", code="Z1", parent=far_district),
    }


@pytest.fixture
def cast(tree):
    return {
        "coach": UserFactory(username="coach", org_unit=tree["district"], roles=["coach"],
                             job_title=JobTitle.EPI_FOCAL_POINT, phone="+22366112233"),
        "coachee": UserFactory(username="coachee", org_unit=tree["K1"], roles=["coachee"], phone="+22376112233"),
        "sibling": UserFactory(username="sibling", org_unit=tree["K2"], roles=["coachee"]),
        "district_manager": UserFactory(username="dmanager", org_unit=tree["district"], roles=["manager"]),
        "district_admin": UserFactory(username="dadmin", org_unit=tree["district"], roles=["admin"]),
        "region_manager": UserFactory(username="rmanager", org_unit=tree["region"], roles=["manager", "admin"]),
        "outsider": UserFactory(username="outsider", org_unit=tree["other_district"], roles=["coach"]),
        "far_admin": UserFactory(username="faradmin", org_unit=tree["far_district"], roles=["admin", "manager"]),
        "superuser": UserFactory(username="root", org_unit=tree["country"], is_superuser=True, is_staff=True),
    }


@pytest.fixture
def login(client):
    """Sign a cast member in on the test client and return the client."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login
