"""PDF reports read back with pdftotext (poppler-utils): the session report and the monthly report."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from tests.dashboards.conftest import PRACTICE_SUMMARY, REAL_SUMMARY

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext is not installed: apt-get install poppler-utils")


def pdf_text(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()


def test_session_report_is_one_page_with_the_conversation(login_en, world):
    visit = world["real_visit"]
    text = pdf_text(login_en(world["coach"]).get(f"/dashboards/s/{visit.pk}/report.pdf"))
    assert "Session report" in text and "CSCom K1" in text
    assert str(world["coach"]) in text and str(world["coachee"]) in text
    assert "Reality notes" in text and REAL_SUMMARY in text
    assert "Supervision checklist" in text and "100 %" in text
    assert text.count("\f") == 1  # one page


def test_session_report_speaks_french_with_its_accents(login, world):
    text = pdf_text(login(world["coachee"]).get(f"/dashboards/s/{world['real_visit'].pk}/report.pdf"))
    assert "Coaché" in text and "Réalité" in text


def test_session_report_scope(login_en, world):
    url = f"/dashboards/s/{world['real_visit'].pk}/report.pdf"
    assert login_en(world["district_manager"]).get(url).status_code == 200
    assert login_en(world["outsider"]).get(url).status_code == 404
    assert login_en(world["far_admin"]).get(url).status_code == 404
    assert login_en(world["sibling"]).get(url).status_code == 404


def test_a_practice_session_has_no_report(login_en, world):
    assert login_en(world["coach"]).get(f"/dashboards/s/{world['practice_visit'].pk}/report.pdf").status_code == 404


def test_monthly_report_of_a_district(login_en, world):
    phone_call = timezone.localdate() - datetime.timedelta(days=40)  # the real phone session (and a practice one)
    month = phone_call.strftime("%Y-%m")
    text = pdf_text(login_en(world["district_manager"]).get(
        f"/dashboards/u/{world['district'].pk}/report.pdf?month={month}"))
    assert "Monthly coaching report" in text and "District K" in text and phone_call.strftime("%m/%Y") in text
    assert "1 of 2 health centres have an active coaching relationship" in text
    assert "Phone: 1" in text and "In person (visit): 0" in text  # the practice call is left out
    assert "CSCom K1" in text and "CSCom K2" in text and "CSCom B1" not in text
    assert PRACTICE_SUMMARY not in text


def test_monthly_report_refuses_a_bad_month_and_a_centre(login_en, world):
    client = login_en(world["district_manager"])
    assert client.get(f"/dashboards/u/{world['district'].pk}/report.pdf?month=2025-13").status_code == 400
    assert client.get(f"/dashboards/u/{world['K1'].pk}/report.pdf").status_code == 404


def test_monthly_report_scope(login_en, world):
    url = f"/dashboards/u/{world['district'].pk}/report.pdf"
    assert login_en(world["outsider"]).get(url).status_code == 404
    assert login_en(world["far_admin"]).get(url).status_code == 404
    assert login_en(world["coachee"]).get(url).status_code in (403, 404)
    assert login_en(world["region_manager"]).get(url).status_code == 200


def test_the_session_page_links_its_report_but_not_for_practice(login_en, world):
    client = login_en(world["coach"])
    real = client.get(f"/coaching/s/{world['real_visit'].pk}/").content.decode()
    practice = client.get(f"/coaching/s/{world['practice_visit'].pk}/").content.decode()
    assert f"/dashboards/s/{world['real_visit'].pk}/report.pdf" in real
    assert "report.pdf" not in practice
