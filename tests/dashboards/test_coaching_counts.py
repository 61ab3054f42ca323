"""Coaching counts of a region or the whole country are kept a minute and shared by everyone who sees all
the coaching there (dashboards/queries.py `coaching_counts`); districts and centres are counted live."""

import datetime
import shutil

import pytest
import time_machine
from django.test.utils import override_settings
from django.utils import timezone

from pevcoach.coaching.queries import sees_all_coaching_under
from pevcoach.dashboards import queries
from tests.dashboards.conftest import held_session
from tests.dashboards.test_reports import pdf_text

REGION_SESSIONS = "sessions held in the last 12 months"


def sessions_held(html):
    """The "sessions held in the last 12 months" figure of an area dashboard."""
    before = html.split(f"</span><br>{REGION_SESSIONS}")[0]
    return int(before.rsplit(">", 1)[1])


def test_a_region_is_counted_once_a_minute_a_district_at_every_view(login_en, world):
    def dashboard(who, unit):
        return login_en(world[who]).get(f"/dashboards/u/{world[unit].pk}/").content.decode()

    html = dashboard("region_manager", "region")
    assert sessions_held(html) == 3  # K1's two real sessions and B1's one; practice left out
    assert "Coaching counted at" in html

    held_session(world["real"], days_ago=2)  # recorded after the region was counted
    html = dashboard("district_manager", "district")
    assert sessions_held(html) == 3 and "Coaching counted at" not in html  # live: K1's two and the new one
    assert sessions_held(dashboard("region_manager", "region")) == 3  # the minute is not over
    # The national administrator sees all of the region too: the same counts, not counted again.
    assert sessions_held(dashboard("superuser", "region")) == 3

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert sessions_held(dashboard("region_manager", "region")) == 4


def test_who_sees_all_the_coaching_of_an_area(world):
    region, country = world["region"], world["country"]
    assert sees_all_coaching_under(world["region_manager"], region)
    assert sees_all_coaching_under(world["region_manager"], world["district"])
    assert not sees_all_coaching_under(world["region_manager"], country)  # Région Z is not theirs
    assert sees_all_coaching_under(world["superuser"], country)
    assert not sees_all_coaching_under(world["district_manager"], region)
    assert not sees_all_coaching_under(world["coach"], region)  # a coach sees their own pairs only


def test_someone_who_sees_part_of_a_region_gets_it_counted_for_them(world):
    calls = []

    def count():
        calls.append(1)
        return {"n": len(calls)}

    region = world["region"]
    for _ in range(2):
        assert queries.coaching_counts(world["coach"], region, "area", "day", compute=count) == ({"n": len(calls)},
                                                                                                 None)
    assert calls == [1, 1]
    first, when = queries.coaching_counts(world["region_manager"], region, "area", "day", compute=count)
    again, same = queries.coaching_counts(world["superuser"], region, "area", "day", compute=count)
    assert first == again == {"n": 3} and when == same is not None and calls == [1, 1, 1]
    assert queries.coaching_counts(world["region_manager"], region, "area", "another day", compute=count)[0] == {
        "n": 4}


def test_an_unreachable_cache_counts_live(world, login_en):
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        response = login_en(world["region_manager"]).get(f"/dashboards/u/{world['region'].pk}/")
    assert response.status_code == 200 and sessions_held(response.content.decode()) == 3
    with override_settings(CACHES=down):  # and counts again at the next view: nothing kept
        held_session(world["real"], days_ago=2)
        response = login_en(world["region_manager"]).get(f"/dashboards/u/{world['region'].pk}/")
    assert sessions_held(response.content.decode()) == 4


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext is not installed: apt-get install poppler-utils")
def test_the_monthly_report_of_a_region_says_when_it_counted(login_en, world):
    month = (timezone.localdate() - datetime.timedelta(days=40)).strftime("%Y-%m")
    client = login_en(world["region_manager"])
    text = pdf_text(client.get(f"/dashboards/u/{world['region'].pk}/report.pdf?month={month}"))
    assert "Phone: 1" in text and "Coaching counted at" in text
    text = pdf_text(client.get(f"/dashboards/u/{world['district'].pk}/report.pdf?month={month}"))
    assert "Phone: 1" in text and "Coaching counted at" not in text
