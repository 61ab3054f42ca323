from unittest import mock

from django.db import DatabaseError


def test_coachee_home_is_in_french_with_their_centre(login, cast):
    html = login(cast["coachee"]).get("/").content.decode()
    assert "Bonjour" in html and "Mon coaching" in html and "CSCom K1" in html
    assert "Mes coachés" not in html and "Ma zone" not in html


def test_coach_home_shows_coachees_block(login, cast):
    html = login(cast["coach"]).get("/").content.decode()
    assert "Mes coachés" in html and "Mon coaching" not in html


def test_admin_home_counts_area_and_pending(login, cast):
    html = login(cast["district_admin"]).get("/").content.decode()
    assert "Ma zone" in html and "en attente" in html


def test_pages_are_light(login, cast):
    response = login(cast["coachee"]).get("/")
    assert len(response.content) < 8_000


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] != "ok"
