import pytest
from django.urls import reverse

from pevcoach.orgunits.models import OrgUnit


def test_manager_browses_own_district(cast, login, tree):
    client = login(cast["district_manager"])
    page = client.get(reverse("orgunits:list")).content.decode()
    assert "District K" in page and "Région A" not in page
    detail = client.get(reverse("orgunits:detail", args=[tree["district"].pk])).content.decode()
    assert "CSCom K1" in detail and "CSCom K2" in detail


def test_a_user_of_another_district_gets_404(cast, login, tree):
    client = login(cast["outsider"])
    for name, args in [("orgunits:detail", [tree["K1"].pk]), ("orgunits:edit", [tree["K1"].pk]),
                       ("orgunits:create", [tree["district"].pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("orgunits:detail", args=[tree["K1"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_adds_a_centre_below_the_district(cast, login, tree):
    client = login(cast["district_admin"])
    response = client.post(reverse("orgunits:create", args=[tree["district"].pk]),
                           {"name": "CSCom K3", "code": "K3", "dhis2_uid": "", "latitude": "10.5", "longitude": "-5.7"})
    assert response.status_code == 302
    k3 = OrgUnit.objects.get(code="K3")
    assert k3.parent == tree["district"] and k3.path.startswith(tree["district"].path)


def test_manager_without_admin_role_cannot_add(cast, login, tree):
    client = login(cast["district_manager"])
    assert client.get(reverse("orgunits:create", args=[tree["district"].pk])).status_code == 404


@pytest.mark.parametrize(("field", "value"), [("dhis2_uid", "123"), ("latitude", "123")])
def test_bad_unit_input_is_refused_and_saves_nothing(cast, login, tree, field, value):
    client = login(cast["district_admin"])
    data = {"name": "CSCom K4", "code": "K4", "dhis2_uid": "", "latitude": "", "longitude": ""} | {field: value}
    response = client.post(reverse("orgunits:create", args=[tree["district"].pk]), data)
    assert response.status_code == 200
    assert not OrgUnit.objects.filter(code="K4").exists()


def test_admin_edits_a_centre(cast, login, tree):
    client = login(cast["district_admin"])
    response = client.post(reverse("orgunits:edit", args=[tree["K1"].pk]),
                           {"name": "CSCom K1 bis", "code": "K1", "dhis2_uid": "Abcdefghij1", "latitude": "",
                            "longitude": ""})
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=tree["K1"].pk).dhis2_uid == "Abcdefghij1"
