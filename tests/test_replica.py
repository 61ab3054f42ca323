"""A read replica for the dashboards (pevcoach/dbrouting.py), with the `replica` alias mirroring the test
database as Django's TEST MIRROR does: dashboard reads go there, writes and every other page do not.

A real replica is a PostgreSQL streaming copy (README, "Scale and capacity"); here both aliases reach the
same database through two connections, so each query is counted on the connection that ran it. The
tests commit their data (transaction=True): a replica only ever sees committed rows.
"""

import subprocess
import sys

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from pevcoach.coaching.models import Relationship
from pevcoach.dbrouting import ReplicaRouter, replica_reads
from pevcoach.orgunits.models import OrgUnit
from tests.dashboards.conftest import _relationship, figure_rows, held_session
from tests.indicators.conftest import load
from tests.test_settings import ROOT, settings_of

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
FIGURES = ("indicators_", "coaching_", "orgunits_")


@pytest.fixture
def world(cast, tree):
    """A year of figures and a relationship with a session held (no data-migration content: transactional
    tests empty the database after them)."""
    load(figure_rows())
    real = _relationship(cast["coach"], cast["coachee"])
    held_session(real, days_ago=20)
    return {**cast, **tree, "real": real}


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = ["pevcoach.dbrouting.ReplicaRouter"]


def _tables(captured):
    return " ".join(query["sql"] for query in captured.captured_queries)


def _read_from(captured):
    """The table each SELECT reads first (its FROM)."""
    return {query["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for query in captured.captured_queries
            if query["sql"].startswith("SELECT") and " FROM " in query["sql"]}


def _on_each(client, url):
    client.get(url)  # warm up
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(url)
    assert response.status_code == 200, url
    return primary, replica


@pytest.mark.parametrize("page", ["", "map/", "impact/"])
def test_a_dashboard_reads_its_figures_and_coaching_from_the_replica(routed, world, login, page):
    primary, replica = _on_each(login(world["district_manager"]), f"/dashboards/u/{world['district'].pk}/{page}")
    assert _read_from(replica) and all(table.startswith(FIGURES) for table in _read_from(replica))
    assert not any(table in _tables(primary) for table in FIGURES)
    assert {"django_session", "accounts_user"} <= _read_from(primary)  # sign-in and people stay on the primary


def test_other_pages_read_and_write_the_primary_only(routed, world, login):
    client = login(world["coach"])
    for url in ("/", "/coaching/", f"/coaching/r/{world['real'].pk}/"):
        primary, replica = _on_each(client, url)
        assert len(replica) == 0, url
        assert any(table in _tables(primary) for table in FIGURES)


def test_writes_go_to_the_primary_even_in_a_dashboard(routed, world):
    router = ReplicaRouter()
    with replica_reads():
        relationship = Relationship.objects.get(pk=world["real"].pk)
        assert relationship._state.db == "replica"
        assert router.db_for_write(Relationship, instance=relationship) == "default"
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica"]) as replica:
            relationship.rhythm = "Deux visites par mois"
            relationship.save(update_fields=["rhythm"])
        assert "UPDATE" in _tables(primary) and "UPDATE" not in _tables(replica)
        assert router.db_for_read(type(world["coach"])) == "default"  # people never come from the replica
    assert OrgUnit.objects.all()._db is None and router.db_for_read(OrgUnit) == "default"
    assert not router.allow_migrate("replica", "coaching") and router.allow_migrate("default", "coaching")


def test_without_a_replica_the_dashboards_use_the_primary(world, login):
    primary, replica = _on_each(login(world["district_manager"]), f"/dashboards/u/{world['district'].pk}/")
    assert len(replica) == 0 and any(table in _tables(primary) for table in FIGURES)


def test_database_replica_url_configures_the_alias_and_the_router():
    result = subprocess.run([sys.executable, "-c", (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['replica']['NAME'], s.DATABASES['replica']['TEST']['MIRROR'], s.DATABASE_ROUTERS)")],
        cwd=ROOT, capture_output=True, text=True, env={
            **settings_of.__globals__["os"].environ, "DJANGO_SETTINGS_MODULE": "pevcoach.settings", "SECRET_KEY": "x",
            "DATABASE_URL": "postgres://app@db1:5432/pev", "DATABASE_REPLICA_URL": "postgres://app@db2:5432/pev"})
    assert result.stdout.split()[:2] == ["pev", "default"], result.stderr
    assert "pevcoach.dbrouting.ReplicaRouter" in result.stdout
    assert "replica" not in settings_of(SECRET_KEY="x").stdout
