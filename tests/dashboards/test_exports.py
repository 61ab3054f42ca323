"""CSV and Excel exports: they open, hold the user's scope and never practice data."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.dashboards.conftest import PRACTICE_SUMMARY, data_months
from tests.indicators.conftest import load

KINDS = ["sessions", "goals", "actions", "checklists", "indicators"]


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_opens_as_csv_and_as_excel(login_en, world, kind):
    client = login_en(world["district_manager"])
    as_csv = csv_rows(client.get(f"/dashboards/exports/{kind}.csv"))
    as_xlsx = xlsx_rows(client.get(f"/dashboards/exports/{kind}.xlsx"))
    assert len(as_csv) == len(as_xlsx) > 1
    assert as_csv[0] == as_xlsx[0]


def test_sessions_export_holds_the_area_and_no_practice(login_en, world):
    client = login_en(world["district_manager"])
    rows = csv_rows(client.get("/dashboards/exports/sessions.csv"))
    ids = {row[0] for row in rows[1:]}
    assert str(world["real_visit"].pk) in ids
    assert str(world["practice_visit"].pk) not in ids and str(world["b_visit"].pk) not in ids
    assert len(rows) == 1 + 3  # two held, one planned
    assert PRACTICE_SUMMARY not in client.get("/dashboards/exports/sessions.csv").content.decode()


def test_excel_gets_real_dates_and_numbers(login_en, world):
    rows = xlsx_rows(login_en(world["district_manager"]).get("/dashboards/exports/goals.xlsx"))
    header, first = rows[0], rows[1]
    assert isinstance(first[header.index("Deadline")], datetime.datetime)
    assert first[header.index("Baseline")] == 18
    checklists = xlsx_rows(login_en(world["district_manager"]).get("/dashboards/exports/checklists.xlsx"))
    assert [row[-1] for row in checklists[1:]] == [100]  # K1's checklist only; K2's is practice


def test_actions_export_says_which_were_done_on_time(login_en, world):
    rows = csv_rows(login_en(world["district_manager"]).get("/dashboards/exports/actions.csv"))
    header = rows[0]
    by_text = {row[header.index("Action")]: row for row in rows[1:]}
    assert by_text["On time coachee"][header.index("Done on time")] == "yes"
    assert by_text["Late coachee"][header.index("Done on time")] == "no"
    assert by_text["Overdue coachee"][header.index("Overdue")] == "yes"
    assert "PRACTICE overdue" not in by_text


def test_indicator_table_export(login_en, world):
    rows = csv_rows(login_en(world["district_manager"]).get("/dashboards/exports/indicators.csv"))
    header = rows[0]
    names = [row[0] for row in rows[1:]]
    assert names == ["District K", "CSCom K1", "CSCom K2"]
    assert rows[2][header.index("Penta1 coverage")] == "93.75"  # K1: 450 of 480


def test_the_indicator_export_follows_each_import(login_en, world):
    """Worked out once per import (figures_cache.py): the next download after an import shows it."""
    client = login_en(world["district_manager"])

    def k1_penta1():
        rows = csv_rows(client.get("/dashboards/exports/indicators.csv"))
        return next(row for row in rows if row[0] == "CSCom K1")[rows[0].index("Penta1 coverage")]

    assert k1_penta1() == k1_penta1() == "93.75"
    load([("PENTA1", str(m), "K1", 80) for m in data_months()])  # 12 × 80 doses for 480 infants
    assert k1_penta1() == "200.0"


def test_a_region_manager_may_narrow_to_a_district(login_en, world):
    client = login_en(world["region_manager"])
    everything = {row[0] for row in csv_rows(client.get("/dashboards/exports/sessions.csv"))[1:]}
    district_b = {row[0] for row in csv_rows(client.get(
        f"/dashboards/exports/sessions.csv?unit={world['other_district'].pk}"))[1:]}
    assert str(world["b_visit"].pk) in everything and district_b == {str(world["b_visit"].pk)}


def test_outsiders_cannot_export_an_area_they_do_not_see(login_en, world):
    for who in ("outsider", "far_admin", "coachee"):
        client = login_en(world[who])
        for kind in KINDS:
            assert client.get(f"/dashboards/exports/{kind}.csv?unit={world['district'].pk}").status_code == 404


def test_a_coach_exports_their_own_coaching_and_a_trainee_nothing_of_practice(login_en, world):
    ids = {row[0] for row in csv_rows(login_en(world["outsider"]).get("/dashboards/exports/sessions.csv"))[1:]}
    assert ids == {str(world["b_visit"].pk)}
    assert csv_rows(login_en(world["sibling"]).get("/dashboards/exports/sessions.csv"))[1:] == []


def test_unknown_exports_are_not_found(login_en, world):
    client = login_en(world["district_manager"])
    assert client.get("/dashboards/exports/passwords.csv").status_code == 404
    assert client.get("/dashboards/exports/sessions.pdf").status_code == 404
    assert client.get("/dashboards/exports/sessions.csv?unit=abc").status_code == 404


def test_the_exports_page_links_every_kind(login_en, world):
    html = login_en(world["district_manager"]).get("/dashboards/exports/").content.decode()
    for kind in KINDS:
        assert f"/dashboards/exports/{kind}.xlsx?unit={world['district'].pk}" in html
