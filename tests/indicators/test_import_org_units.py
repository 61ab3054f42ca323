"""The org-unit tree from a DHIS2 organisationUnits export (contract C5)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from pevcoach.indicators import services
from pevcoach.indicators.models import ImportStatus, MonthlyTotal, OrgUnitGeometry
from pevcoach.indicators.services import ImportRejected
from pevcoach.orgunits.models import OrgUnit
from tests.indicators.conftest import load

POLYGON = {"type": "Polygon", "coordinates": [[[-6.0, 11.0], [-5.5, 11.0], [-5.5, 11.5], [-6.0, 11.0]]]}
UNITS = [
    {"id": "MaliRoot001", "name": "Mali", "code": "ML", "level": 1, "path": "/MaliRoot001"},
    {"id": "RegSikasso1", "name": "Sikasso", "level": 2, "path": "/MaliRoot001/RegSikasso1",
     "parent": {"id": "MaliRoot001", "name": "Mali"}},
    {"id": "DsKadiolo01", "name": "DS Kadiolo", "code": "DS-KAD", "level": 3,
     "path": "/MaliRoot001/RegSikasso1/DsKadiolo01", "parent": {"id": "RegSikasso1"}, "geometry": POLYGON},
    # A child before its parent, and only a path to find that parent by.
    {"id": "CsComKad001", "name": "CSCom Kadiolo Centre", "code": "CS-KAD-1", "level": 4,
     "path": "/MaliRoot001/RegSikasso1/DsKadiolo01/CsComKad001",
     "geometry": {"type": "Point", "coordinates": [-5.6432, 10.5571]}, "openingDate": "1990-01-01T00:00:00.000"},
    {"id": "CsComKad002", "name": "CSCom Misseni", "level": 4, "parent": {"id": "DsKadiolo01"}},
]


def export(units=UNITS):
    return json.dumps({"pager": {"page": 1, "pageCount": 1, "total": len(units)}, "organisationUnits": units})


def test_builds_the_tree_with_dhis2_levels_codes_and_coordinates(db):
    log = services.import_org_units(data=export(), name="ou.json")
    assert (log.status, log.created) == (ImportStatus.SUCCESS, 5)
    centre = OrgUnit.objects.get(dhis2_uid="CsComKad001")
    district = OrgUnit.objects.get(code="DS-KAD")
    assert centre.parent == district and centre.level == 4 and centre.code == "CS-KAD-1"
    assert centre.path == f"{district.path}{centre.pk}/" and district.contains(centre)
    assert (centre.latitude, centre.longitude) == (Decimal("10.557100"), Decimal("-5.643200"))
    assert OrgUnit.objects.get(dhis2_uid="CsComKad002").parent == district
    assert OrgUnitGeometry.objects.get(org_unit=district).geometry == POLYGON
    assert OrgUnit.objects.get(dhis2_uid="RegSikasso1").code is None


def test_reimporting_changes_nothing(db):
    services.import_org_units(data=export())
    before = list(OrgUnit.objects.order_by("pk").values())
    log = services.import_org_units(data=export())
    assert (log.created, log.updated, log.unchanged) == (0, 0, 5)
    assert list(OrgUnit.objects.order_by("pk").values()) == before


def test_renames_and_moves_keep_paths_and_totals_right(db):
    services.import_org_units(data=export())
    load([("PENTA1", "202507", "CS-KAD-1", 9)])
    moved = [*UNITS, {"id": "DsNewDist01", "name": "DS Nouveau", "level": 3, "parent": {"id": "RegSikasso1"}}]
    moved[3] = {**UNITS[3], "name": "CSCom Kadiolo", "parent": {"id": "DsNewDist01"},
                "path": "/MaliRoot001/RegSikasso1/DsNewDist01/CsComKad001"}
    log = services.import_org_units(data=export(moved))
    assert (log.created, log.updated) == (1, 1)
    centre, new = OrgUnit.objects.get(dhis2_uid="CsComKad001"), OrgUnit.objects.get(dhis2_uid="DsNewDist01")
    assert centre.name == "CSCom Kadiolo" and centre.parent == new and centre.path.startswith(new.path)
    totals = dict(MonthlyTotal.objects.filter(data_element__code="PENTA1").values_list("org_unit__dhis2_uid", "value"))
    assert totals == {"MaliRoot001": 9, "RegSikasso1": 9, "DsNewDist01": 9}  # not DsKadiolo01 any more


def test_a_unit_made_by_hand_is_matched_by_code(tree):
    units = [{"id": "DistrictKxx", "name": "District K (DHIS2)", "code": "DK", "level": 3,
              "parent": {"id": "RegionAxxxx"}},
             {"id": "RegionAxxxx", "name": "Région A", "code": "RA", "level": 2, "parent": {"id": "MaliXxxxxxx"}},
             {"id": "MaliXxxxxxx", "name": "Mali", "code": "MLI", "level": 1}]
    log = services.import_org_units(data=json.dumps({"organisationUnits": units}))
    assert log.created == 0
    tree["district"].refresh_from_db()
    assert tree["district"].dhis2_uid == "DistrictKxx" and tree["district"].name == "District K (DHIS2)"


BAD = [
    ("bad uid", {"id": "12345", "name": "X", "level": 4, "parent": {"id": "DsKadiolo01"}}, "12345"),
    ("no name", {"id": "CsComKad009", "level": 4, "parent": {"id": "DsKadiolo01"}}, "CsComKad009"),
    ("unknown parent", {"id": "CsComKad009", "name": "X", "level": 4, "parent": {"id": "Nowhere0001"}},
     "Nowhere0001"),
    ("bad point", {"id": "CsComKad009", "name": "X", "level": 4, "parent": {"id": "DsKadiolo01"},
                   "geometry": {"type": "Point", "coordinates": [200, 10]}}, "CsComKad009"),
    ("duplicate code", {"id": "CsComKad009", "name": "X", "code": "CS-KAD-1", "level": 4,
                        "parent": {"id": "DsKadiolo01"}}, "CS-KAD-1"),
    ("level above its parent", {"id": "CsComKad009", "name": "X", "level": 2, "parent": {"id": "DsKadiolo01"}},
     "CsComKad009"),
]


@pytest.mark.parametrize(("case", "unit", "named"), BAD, ids=[c for c, _u, _n in BAD])
def test_one_bad_unit_rejects_the_file(db, case, unit, named):
    with pytest.raises(ImportRejected) as rejected:
        services.import_org_units(data=export([*UNITS, unit]))
    assert not OrgUnit.objects.exists()
    assert any(named in error and "6" in error for error in rejected.value.errors), rejected.value.errors


def test_a_loop_of_parents_is_rejected(db):
    units = [{"id": "AaaaaAaaaa1", "name": "A", "parent": {"id": "BbbbbBbbbb1"}},
             {"id": "BbbbbBbbbb1", "name": "B", "parent": {"id": "AaaaaAaaaa1"}}]
    with translation.override("en"), pytest.raises(ImportRejected, match="loop"):
        services.import_org_units(data=json.dumps(units))


def test_command_imports_org_units(db, tmp_path):
    (tmp_path / "ou.json").write_text(export())
    out = io.StringIO()
    call_command("dhis2_import", "--org-units", str(tmp_path / "ou.json"), stdout=out)
    assert "5" in out.getvalue() and OrgUnit.objects.count() == 5
