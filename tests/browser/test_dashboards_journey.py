"""Issue 6's journey on a 360 px phone: drs.sikasso goes from the region's dashboard down to a
district, a health centre and the coaching relationship there, and nothing spills sideways."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from pevcoach.coaching.models import Relationship
from tests.browser.test_login import sign_in


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def demo_with_figures(transactional_db, live_server):
    """The demo, with the tables migrations fill put back first: an earlier transactional test's
    flush empties them, and without data elements the demo's figures would have nowhere to go."""
    for module in ("pevcoach.indicators.migrations.0002_reference_data_elements",
                   "pevcoach.coaching.migrations.0002_starter_content"):
        importlib.import_module(module).load(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    return live_server


def test_regional_manager_drills_down_from_region_to_relationship(demo_with_figures, phone):
    demo_server = demo_with_figures
    sign_in(phone, demo_server.url, "drs.sikasso")
    phone.wait_for_selector("h1")
    phone.click("nav >> a[href='/dashboards/']")

    # The region: coaching activity, the sessions chart and a row per district.
    phone.wait_for_selector("h1:has-text('Région sanitaire de Sikasso')")
    body = phone.inner_text("main")
    assert "Activité de coaching" in body or "Coaching activity" in body
    assert phone.locator("svg.chart title").count() == 1
    assert phone.locator("table.sortable tbody tr").count() == 10  # the ten districts
    assert fits(phone)

    # Down to Kadiolo: its six centres, with figures.
    phone.click("table.sortable >> text=District sanitaire de Kadiolo")
    phone.wait_for_selector("h1:has-text('District sanitaire de Kadiolo')")
    rows = phone.locator("table.sortable tbody tr")
    assert rows.count() == 6
    assert "%" in rows.first.inner_text()
    assert "Région sanitaire de Sikasso" in phone.inner_text(".crumbs")
    assert fits(phone)

    # The gap map of the district: one link per centre.
    phone.click(".tabs a[href$='/map/']")
    phone.wait_for_selector("svg.map")
    assert phone.locator("svg.map a").count() == 6
    assert fits(phone)
    phone.go_back()

    # Down to the centre: its key figures with sparklines and the coaching held there.
    phone.click("table.sortable >> text=CSCom Kadiolo-Centre (démo)")
    phone.wait_for_selector("h1:has-text('CSCom Kadiolo-Centre (démo)')")
    assert phone.locator("svg.spark").count() == 5
    assert "RED" in phone.inner_text("main")
    assert fits(phone)

    # And into the relationship.
    phone.click("text=Fatoumata Sanogo → Seydou Ouattara")
    relationship = Relationship.objects.get(coach__username="coach.kadiolo", coachee__username="agent.kadiolo",
                                            is_practice=False)
    phone.wait_for_url(f"**/coaching/r/{relationship.pk}/")
    assert "Seydou Ouattara" in phone.inner_text("h1")
    assert fits(phone)
