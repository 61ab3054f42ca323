"""Manager dashboards (district, region, country) and the health-centre page: content and scope."""

import re

import pytest

from tests.dashboards.conftest import PRACTICE_SUMMARY


def page(client, url):
    response = client.get(url)
    return response, response.content.decode()


def row_of(html, name):
    """The cells of the table row whose first cell links to `name`."""
    match = re.search(rf"<tr><td><a [^>]+>{re.escape(name)}</a></td>(.*?)</tr>", html, re.S)
    assert match, f"no row for {name}"
    return re.findall(r"<td[^>]*>(.*?)</td>", match[1])


def test_district_dashboard_counts_real_coaching_only(login_en, world):
    response, html = page(login_en(world["district_manager"]), f"/dashboards/u/{world['district'].pk}/")
    assert response.status_code == 200
    assert "1 of 2 health centres have an active coaching relationship" in html  # K2's practice does not count
    assert ">2</span><br>sessions held in the last 12 months" in html  # K1's two, not K2's practice ones
    # Actions due in 12 months: on time, late, overdue judged; K2's practice actions left out.
    assert ">33 %</span><br>of 3 actions due in 12 months done on time" in html
    assert "of 1 closed goal reached" in html and ">100 %</span>" in html
    assert ">4.0/5</span><br>average support rating (3 ratings)" in html  # not dragged down by practice 1s
    assert PRACTICE_SUMMARY not in html


def test_district_table_has_a_row_per_centre_with_figures_and_drill_down(login_en, world):
    _response, html = page(login_en(world["district_manager"]), f"/dashboards/u/{world['district'].pk}/")
    k1 = row_of(html, "CSCom K1")
    # K1 over 12 months: Penta1 9×40 + 3×30 = 450 of 480 → 94 %; Penta3 9×36 + 3×22 = 390 → 81 %.
    assert k1[:2] == ["94 %", "81 %"]
    assert k1[-2:] == ["1/1", "1"]  # coached; one session in the last 3 months (40 days ago, not 100)
    assert row_of(html, "CSCom K2")[-2:] == ["0/1", "0"]
    assert f'href="/dashboards/u/{world["K1"].pk}/"' in html
    assert "CSCom B1" not in html and "CSCom Z1" not in html


def test_the_table_sorts_by_any_column(login_en, world):
    client = login_en(world["district_manager"])
    _r, up = page(client, f"/dashboards/u/{world['district'].pk}/?sort=COV_PENTA1&order=asc")
    _r, down = page(client, f"/dashboards/u/{world['district'].pk}/?sort=COV_PENTA1&order=desc")
    assert up.index(">CSCom K1<") < up.index(">CSCom K2<")  # K1 94 % < K2 100 %
    assert down.index(">CSCom K2<") < down.index(">CSCom K1<")
    assert 'aria-sort="descending"' in down
    _r, junk = page(client, f"/dashboards/u/{world['district'].pk}/?sort=nonsense")
    assert _r.status_code == 200


def test_region_dashboard_rows_are_districts(login_en, world):
    response, html = page(login_en(world["region_manager"]), f"/dashboards/u/{world['region'].pk}/")
    assert response.status_code == 200
    assert row_of(html, "District K")[-2] == "1/2" and row_of(html, "District B")[-2] == "1/1"
    assert "2 of 3 health centres have an active coaching relationship" in html
    assert "District Z" not in html


def test_superuser_sees_the_country(login_en, world):
    client = login_en(world["superuser"])
    response = client.get("/dashboards/")
    assert response.status_code == 302 and response["Location"] == f"/dashboards/u/{world['country'].pk}/"
    _r, html = page(client, response["Location"])
    assert "Région A" in html and "Région Z" in html


def test_dashboards_entry_leads_a_manager_to_their_unit(login_en, world):
    client = login_en(world["district_manager"])
    assert client.get("/dashboards/")["Location"] == f"/dashboards/u/{world['district'].pk}/"
    assert 'href="/dashboards/"' in client.get("/").content.decode()  # in the menu


def test_facility_page_lists_real_relationships_and_figures(login_en, world):
    _r, html = page(login_en(world["district_manager"]), f"/dashboards/u/{world['K1'].pk}/")
    assert f'href="/coaching/r/{world["real"].pk}/"' in html
    assert "<svg class=\"spark\"" in html and "RED 2" in html  # dropout (450 − 390) / 450 = 13 %
    assert "Active goal of coachee" in html
    _r, practice = page(login_en(world["district_manager"]), f"/dashboards/u/{world['K2'].pk}/")
    assert f'/coaching/r/{world["practice"].pk}/' not in practice
    assert "No coaching relationship in this health centre yet." in practice


def test_a_coachee_sees_their_own_centre_but_no_area(login_en, world):
    client = login_en(world["coachee"])
    assert client.get(f"/dashboards/u/{world['K1'].pk}/").status_code == 200
    assert client.get(f"/dashboards/u/{world['K2'].pk}/").status_code == 404
    assert client.get(f"/dashboards/u/{world['district'].pk}/").status_code in (403, 404)
    assert client.get("/dashboards/").status_code == 403


@pytest.mark.parametrize("who", ["outsider", "far_admin", "district_manager"])
def test_outsiders_get_nothing_of_an_area_they_do_not_oversee(login_en, world, who):
    client = login_en(world[who])
    area, centre = (world["region"], world["B1"]) if who == "district_manager" else (world["district"], world["K1"])
    assert client.get(f"/dashboards/u/{area.pk}/").status_code == 404
    assert client.get(f"/dashboards/u/{centre.pk}/").status_code == 404


def test_a_coach_oversees_no_area_even_their_own(login_en, world):
    client = login_en(world["outsider"])
    assert client.get(f"/dashboards/u/{world['other_district'].pk}/").status_code == 403
    assert client.get("/dashboards/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get(f"/dashboards/u/{world['district'].pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
