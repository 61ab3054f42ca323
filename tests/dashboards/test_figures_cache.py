"""Figures worked out once per change of the data (pevcoach/indicators/figures_cache.py): read from the
cache until an import or an edit of the tree, never after it; per language; shared through Redis."""

import socket
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from pevcoach.dashboards import areas, homes
from pevcoach.indicators import figures_cache
from pevcoach.orgunits.services import update_org_unit
from tests.dashboards.conftest import data_months
from tests.indicators.conftest import load


def _key_values(unit):
    return {row["code"]: row["value"] for row in homes.key_indicators(unit)["rows"]}


def test_figures_come_from_the_cache_until_the_next_import(world):
    k1 = world["K1"]
    with CaptureQueriesContext(connection) as first:
        before = _key_values(k1)
    with CaptureQueriesContext(connection) as second:
        assert _key_values(k1) == before
    assert len(second) == 1 < len(first)  # only the stamp is read

    # A new import says K1 gave 80 Penta 1 doses each month: 12 × 80 for 480 infants, 200 %, at once.
    assert before["COV_PENTA1"] != 200
    load([("PENTA1", str(m), "K1", 80) for m in data_months()])
    after = _key_values(k1)
    assert after["COV_PENTA1"] == pytest.approx(200)
    assert after["COV_PENTA3"] == before["COV_PENTA3"]


def test_an_edit_of_the_tree_shows_on_the_cached_map(world, login_en):
    client = login_en(world["district_manager"])
    url = f"/dashboards/u/{world['district'].pk}/map/"
    assert "CSCom K1" in client.get(url).content.decode()
    update_org_unit(world["K1"], name="CSCom Kadiolo Central")
    html = client.get(url).content.decode()
    assert "CSCom Kadiolo Central" in html and "CSCom K1<" not in html


def test_the_map_table_lists_each_centre_with_its_link_and_figure(world, login_en):
    html = login_en(world["district_manager"]).get(
        f"/dashboards/u/{world['district'].pk}/map/?colour=COV_PENTA3").content.decode()
    table = html[html.index("<tbody>"):html.index("</tbody>")]
    assert table.count("<tr>") == 2
    assert f'<a href="/dashboards/u/{world["K2"].pk}/">CSCom K2</a></td><td>' in table
    assert "%</td>" in table


def test_each_language_has_its_own_figures(world):
    with translation.override("fr"):
        french = homes.key_indicators(world["K1"])
    with translation.override("en"):
        english = homes.key_indicators(world["K1"])
    assert [r["value"] for r in french["rows"]] == [r["value"] for r in english["rows"]]
    assert french["rows"][0]["label"] != english["rows"][0]["label"]
    assert french["red_label"] != english["red_label"]


@pytest.mark.django_db
def test_a_change_gives_a_new_stamp_and_a_rolled_back_one_does_not():
    start = figures_cache.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        figures_cache.bump()
        assert figures_cache.version() != start
        raise RuntimeError
    assert figures_cache.version() == start
    figures_cache.bump()
    assert figures_cache.version() != start


def _redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_app_servers_share_figures_through_redis(world):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    calls = []

    def work_out():
        calls.append(1)
        return {"penta3": 87.5}

    with override_settings(CACHES=redis):
        assert figures_cache.remember("shared", 1, compute=work_out) == {"penta3": 87.5}
    # Another app server: a new connection to the same Redis finds what the first one worked out.
    with override_settings(CACHES=redis):
        assert figures_cache.remember("shared", 1, compute=work_out) == {"penta3": 87.5}
        from django.core.cache import cache

        cache.clear()
    assert calls == [1]


def test_an_unreachable_cache_costs_time_not_the_page(world, login_en):
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": "redis://127.0.0.1:1/0"}}
    expected = _key_values(world["K1"])
    with override_settings(CACHES=down):
        assert _key_values(world["K1"]) == expected
        client = login_en(world["district_manager"])
        assert client.get(f"/dashboards/u/{world['district'].pk}/map/").status_code == 200


def test_the_impact_view_counts_coaching_started_after_its_figures_were_cached(world):
    district, user = world["district"], world["district_manager"]
    first = areas.impact_view(user, district, "COV_PENTA3")
    assert first["n_in_chart"] == (1, 1)  # K1 coached, K2 not yet
    from tests.dashboards.conftest import _relationship, held_session
    from tests.factories import UserFactory

    newcomer = UserFactory(username="k2coachee", org_unit=world["K2"], roles=["coachee"])
    held_session(_relationship(world["coach"], newcomer), days_ago=60)
    assert areas.impact_view(user, district, "COV_PENTA3")["n_in_chart"] == (2, 0)


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_a_worker_works_national_figures_out_after_an_import_when_the_cache_is_shared(world):
    from django.conf import settings

    from pevcoach.dashboards.tasks import after_import
    from pevcoach.indicators.services import after_import_hooks

    assert after_import in after_import_hooks
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def not_again():
        raise AssertionError("worked out again")

    with override_settings(CACHES=redis, TASKS=immediate):
        after_import()
        for unit in (world["country"], world["region"], world["far_region"]):
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    figures_cache.remember("gap_map", unit.pk, "RED_CAT", compute=not_again)
                    figures_cache.remember("impact_terms", unit.pk, "COV_PENTA3", 24, compute=not_again)
        for language, _name in settings.LANGUAGES:  # the coach's home: their one real centre, practice left out
            with translation.override(language):
                figures_cache.remember("coach_facts", [world["K1"].pk], compute=not_again)
        with CaptureQueriesContext(connection) as reads:
            areas.gap_map(world["region_manager"], world["region"], "RED_CAT")
        assert len(reads) <= 3  # the stamp and the breadcrumbs: nothing of the figures
        from django.core.cache import cache

        cache.clear()


def test_with_each_server_its_own_memory_no_worker_is_asked(world):
    from django_tasks import default_task_backend

    from pevcoach.dashboards.tasks import after_import

    immediate = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=immediate):
        after_import()
        assert default_task_backend.results == []


def test_the_api_figures_follow_each_import(world):
    from pevcoach.indicators.queries import indicator_values

    month = str(data_months()[-1])

    def penta1():
        return indicator_values(world["K1"], month, ["COV_PENTA1"])[0]["value"]

    assert penta1() == pytest.approx(75)  # 30 doses for 480 / 12 infants
    assert penta1() == pytest.approx(75)  # from the cache
    load([("PENTA1", month, "K1", 77)])
    assert penta1() == pytest.approx(192.5)


def _main(response):
    html = response.content.decode()
    return html[html.index("<main>"):html.index("</main>")]  # the footer's forms carry a new CSRF token each time


def test_pages_drawn_from_the_cache_keep_their_charts_as_markup(world, login_en):
    update_org_unit(world["K1"], latitude="10.55", longitude="-5.76")
    map_url = f"/dashboards/u/{world['district'].pk}/map/"
    manager = login_en(world["district_manager"])
    first = _main(manager.get(map_url))
    again = _main(manager.get(map_url))  # the drawing and the table now come from the cache
    assert again == first
    assert '<svg class="map"' in again and "&lt;svg" not in again and "&lt;tr&gt;" not in again
    coachee = login_en(world["coachee"])
    first, again = _main(coachee.get("/")), _main(coachee.get("/"))
    assert again == first and "<svg" in again and "&lt;svg" not in again
