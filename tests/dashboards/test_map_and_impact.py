"""The gap map and the impact view: content and scope."""

import pytest

from pevcoach.indicators.models import OrgUnitGeometry
from pevcoach.orgunits.models import OrgUnit

KADIOLO = {"type": "Polygon", "coordinates": [[[-6.0, 10.3], [-5.4, 10.3], [-5.4, 10.9], [-6.0, 10.9], [-6.0, 10.3]]]}


@pytest.fixture
def placed(world):
    OrgUnit.objects.filter(pk=world["K1"].pk).update(latitude="10.55", longitude="-5.76")
    OrgUnit.objects.filter(pk=world["K2"].pk).update(latitude="10.70", longitude="-5.60")
    OrgUnitGeometry.objects.create(org_unit=world["district"], geometry=KADIOLO)
    return world


def test_gap_map_places_each_centre_as_a_link_with_a_title(login_en, placed):
    html = login_en(placed["district_manager"]).get(f"/dashboards/u/{placed['district'].pk}/map/").content.decode()
    svg = html[html.index("<svg class=\"map\""):html.index("</svg>", html.index("<svg class=\"map\""))]
    assert svg.count("<a href=") == 2
    assert f'<a href="/dashboards/u/{placed["K1"].pk}/"><circle class="g2"' in svg  # RED category 2
    assert f'<a href="/dashboards/u/{placed["K2"].pk}/"><circle class="g1"' in svg  # RED category 1
    assert "<title>CSCom K1 : " in svg and '<path class="outline"' in svg
    assert len(svg) < 3_000
    assert "Category 2: good access, poor use" in html  # the legend
    assert "CSCom B1" not in html


def test_gap_map_colours_by_a_chosen_indicator(login_en, placed):
    client = login_en(placed["district_manager"])
    html = client.get(f"/dashboards/u/{placed['district'].pk}/map/?colour=DOR_P1P3").content.decode()
    assert f'/dashboards/u/{placed["K1"].pk}/"><circle class="g4"' in html  # 13 % dropout: above 10
    assert f'/dashboards/u/{placed["K2"].pk}/"><circle class="g1"' in html  # 10 %: meets it
    assert client.get(f"/dashboards/u/{placed['district'].pk}/map/?colour=NOPE").status_code == 200


def test_centres_without_coordinates_are_counted_not_placed(login_en, world):
    html = login_en(world["district_manager"]).get(f"/dashboards/u/{world['district'].pk}/map/").content.decode()
    assert "2 health centres have no coordinates" in html and "<svg class=\"map\"" not in html
    assert "CSCom K1" in html  # still in the table


def test_impact_compares_coached_with_not_yet_coached_centres(login_en, world):
    html = login_en(world["district_manager"]).get(
        f"/dashboards/u/{world['district'].pk}/impact/?indicator=COV_PENTA3").content.decode()
    coached = html[html.index("Coached</th>"):html.index("</tr>", html.index("Coached</th>"))]
    control = html[html.index("Not yet coached</th>"):html.index("</tr>", html.index("Not yet coached</th>"))]
    # K1 is coached (K2's practice does not make it coached): 36 of 40 a month before, worse after.
    assert "<td>1</td><td>90 %</td>" in coached
    assert "<td>1</td><td>90 %</td><td>90 %</td><td>0</td>" in control  # K2 steady at 18 of 20
    assert "Difference in differences: -" in html
    assert "What it does not prove" in html and "Fewer than 3 centres on one side" in html
    assert '<svg class="chart lines"' in html


def test_impact_accepts_only_rates(login_en, world):
    client = login_en(world["district_manager"])
    html = client.get(f"/dashboards/u/{world['district'].pk}/impact/?indicator=ZD_EST").content.decode()
    assert 'value="COV_PENTA3" selected' in html


@pytest.mark.parametrize("view", ["map", "impact"])
def test_map_and_impact_are_for_those_who_oversee_the_area(login_en, world, view):
    url = f"/dashboards/u/{world['district'].pk}/{view}/"
    assert login_en(world["outsider"]).get(url).status_code == 404
    assert login_en(world["far_admin"]).get(url).status_code == 404
    assert login_en(world["coach"]).get(url).status_code == 403  # their own district, but they oversee nothing
    assert login_en(world["region_manager"]).get(url).status_code == 200
