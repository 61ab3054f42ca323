"""The import page: administrators upload DHIS2 files and read the log."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from pevcoach.indicators.models import ImportLog, ImportStatus, MonthlyValue
from pevcoach.orgunits.models import OrgUnit
from tests.indicators.conftest import csv_text

URL = "/indicators/imports/"


def upload(client, text, kind="data_values", name="export.csv", mapping=None):
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode())}
    if mapping:
        data["mapping"] = SimpleUploadedFile("map.csv", mapping.encode())
    return client.post(URL, data)


def test_superuser_uploads_data_values_and_sees_the_log(login, cast):
    client = login(cast["superuser"])
    response = upload(client, csv_text([("PENTA1", "202507", "K1", 9), ("DeOther0001", "202507", "K1", 1)]))
    log = ImportLog.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{log.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "DeOther0001" in page and log.user == cast["superuser"]
    assert MonthlyValue.objects.get().value == 9
    assert "export.csv" in client.get(URL).content.decode()


def test_a_rejected_file_shows_its_rows_and_changes_nothing(login, cast):
    client = login(cast["superuser"])
    response = upload(client, csv_text([("PENTA1", "202507", "K1", 9), ("PENTA1", "202507", "NOWHERE", 1)]))
    assert response.status_code == 200
    page = response.content.decode()  # in the user's language: look for the row number and the unit
    assert ("Line 3" in page or "Ligne 3" in page) and "NOWHERE" in page
    assert not MonthlyValue.objects.exists() and ImportLog.objects.get().status == ImportStatus.FAILED


def test_superuser_uploads_org_units(login, cast):
    client = login(cast["superuser"])
    units = {"organisationUnits": [{"id": "CsComNew001", "name": "CSCom neuf", "level": 4, "code": "NEW1",
                                    "parent": {"id": "DistrictKxx"}}]}
    OrgUnit.objects.filter(code="DK").update(dhis2_uid="DistrictKxx")
    response = upload(client, json.dumps(units), kind="org_units", name="ou.json")
    assert response.status_code == 302 and OrgUnit.objects.get(code="NEW1").parent.code == "DK"


def test_a_district_admin_imports_for_their_district_only(login, cast):
    client = login(cast["district_admin"])
    assert upload(client, csv_text([("PENTA1", "202507", "K1", 9)])).status_code == 302
    response = upload(client, csv_text([("PENTA1", "202507", "B1", 9)]))
    assert response.status_code == 200 and "B1" in response.content.decode()
    assert list(MonthlyValue.objects.values_list("org_unit__code", flat=True)) == ["K1"]
    # … and may not rebuild the tree.
    assert upload(client, '{"organisationUnits": []}', kind="org_units").status_code == 200
    assert ImportLog.objects.filter(source="org_units_file").count() == 0


def test_admins_see_the_imports_of_their_area_only(login, cast):
    upload(login(cast["district_admin"]), csv_text([("PENTA1", "202507", "K1", 9)]))
    log = ImportLog.objects.get()
    client = login(cast["far_admin"])
    assert client.get(f"{URL}{log.pk}/").status_code == 404
    assert "export.csv" not in client.get(URL).content.decode()
    assert login(cast["region_manager"]).get(f"{URL}{log.pk}/").status_code == 200


def test_others_may_not_import(login, cast):
    for who in ["coach", "coachee", "district_manager", "outsider"]:
        assert login(cast[who]).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302
