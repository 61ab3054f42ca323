"""Benchmark of the dashboards at national scale (not a test: it prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pevcoach .venv/bin/python bench/dashboards.py

Builds the national dataset of bench/indicators.py (10 regions, 75 districts, 1,500 health centres,
24 months, about a million values) in a throw-away database `<name>_dashbench`, adds coaching at
national scale with bulk inserts (a coach per district, 1,000 coached centres, 200,000 sessions,
100,000 actions, 2,000 goals, ratings; a practice pair in every district), then requests each
dashboard page as a national administrator, a regional and a district manager, and prints the
median time and the number of queries. The database is dropped at the end.
"""

import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pevcoach.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.indicators import data_values_csv, org_units  # noqa: E402

COACHED_CENTRES, SESSIONS_EACH, ACTIONS_EACH = 1_000, 200, 100


def coaching():
    """Coaching records at national scale, bulk-inserted (the services are for one record at a time)."""
    from django.utils import timezone

    from pevcoach.accounts.models import User
    from pevcoach.coaching.models import Action, Feedback, Goal, Relationship, Session
    from pevcoach.orgunits.models import Level, OrgUnit

    now = timezone.now()
    districts = list(OrgUnit.objects.filter(level=Level.DISTRICT).order_by("pk"))
    centres = list(OrgUnit.objects.filter(level=Level.FACILITY).order_by("pk"))
    coaches = User.objects.bulk_create([User(username=f"coach{d.pk}", org_unit=d, is_coach=True, password="!")
                                        for d in districts])
    coach_of = {d.pk: c for d, c in zip(districts, coaches, strict=True)}
    coachees = User.objects.bulk_create([User(username=f"agent{c.pk}", org_unit=c, is_coachee=True, password="!")
                                         for c in centres[:COACHED_CENTRES]])
    relationships = [Relationship(coach=coach_of[c.parent_id], coachee=u, org_unit=c, proposed_by=u, aims="a",
                                  rhythm="r", status=Relationship.Status.ACTIVE)
                     for c, u in zip(centres, coachees, strict=False)]
    relationships += [Relationship(coach=coach_of[d.pk], coachee=coachees[i], org_unit=centres[i], proposed_by=u,
                                   aims="a", rhythm="r", status=Relationship.Status.ACTIVE, is_practice=True)
                      for i, (d, u) in enumerate(zip(districts, coachees, strict=False))]
    Relationship.objects.bulk_create(relationships)
    sessions, actions, goals, ratings = [], [], [], []
    for n, r in enumerate(relationships):
        for i in range(SESSIONS_EACH if not r.is_practice else 2):
            sessions.append(Session(id=uuid.uuid4(), relationship=r, created_by=r.coach, mode=(
                Session.Mode.IN_PERSON, Session.Mode.PHONE)[i % 2], status=Session.Status.COMPLETED,
                scheduled_for=now - datetime.timedelta(days=3 * i + n % 3)))
        for i in range(ACTIONS_EACH if not r.is_practice else 2):
            due = now.date() - datetime.timedelta(days=5 * i - 30)
            done = i % 3 != 0 and due < now.date()
            actions.append(Action(relationship=r, description="d", owner=r.coachee, created_by=r.coach, due_date=due,
                                  status=Action.Status.DONE if done else Action.Status.OPEN,
                                  completed_at=now - datetime.timedelta(days=5 * i - 28) if done else None))
        for status in (Goal.Status.ACTIVE, Goal.Status.ACHIEVED):
            goals.append(Goal(relationship=r, org_unit=r.org_unit, statement="s", indicator="COV_PENTA3",
                              baseline_value=60, target_value=80, latest_value=70, created_by=r.coach, status=status,
                              deadline=now.date() + datetime.timedelta(days=40)))
        ratings.append(Feedback(relationship=r, direction=Feedback.Direction.TO_COACH, author=r.coachee,
                                session_useful=4, listened_to=4, support_received=4))
    for rows in (sessions, actions, goals, ratings):
        type(rows[0]).objects.bulk_create(rows, batch_size=5_000)
    return len(sessions), len(actions)


def measure(client, url, runs=5):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times), queries, len(response.content)


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/pevcoach")
    import json

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from pevcoach.accounts.models import User
    from pevcoach.indicators import services
    from pevcoach.orgunits.models import OrgUnit

    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_dashbench"
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        start = time.perf_counter()
        services.import_org_units(data=json.dumps({"organisationUnits": org_units()}), name="bench-ou.json")
        data, count = data_values_csv()
        services.import_data_values(data=data, name="bench.csv")
        n_sessions, n_actions = coaching()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load: the planner needs it
        print(f"national dataset: {count:,} values, {n_sessions:,} sessions, {n_actions:,} actions "
              f"built in {time.perf_counter() - start:.0f} s")
        country = OrgUnit.objects.get(code="MLI")
        district = OrgUnit.objects.get(code="DS-7")
        region, centre = district.parent, district.children.order_by("pk").first()
        people = {
            "national admin": User.objects.create(username="nat", org_unit=country, is_superuser=True, password="!"),
            "regional manager": User.objects.create(username="reg", org_unit=region, is_manager=True, password="!"),
            "district manager": User.objects.create(username="dis", org_unit=district, is_manager=True, password="!"),
            "coach": User.objects.get(username=f"coach{district.pk}"),
        }
        pages = [
            ("national admin", "country dashboard", f"/dashboards/u/{country.pk}/"),
            ("national admin", "gap map, 1,500 centres", f"/dashboards/u/{country.pk}/map/"),
            ("national admin", "impact, 1,500 centres", f"/dashboards/u/{country.pk}/impact/"),
            ("regional manager", "region dashboard", f"/dashboards/u/{region.pk}/"),
            ("regional manager", "region gap map", f"/dashboards/u/{region.pk}/map/?colour=DOR_P1P3"),
            ("district manager", "district dashboard", f"/dashboards/u/{district.pk}/"),
            ("district manager", "health centre", f"/dashboards/u/{centre.pk}/"),
            ("district manager", "district impact", f"/dashboards/u/{district.pk}/impact/"),
            ("district manager", "monthly report (PDF)", f"/dashboards/u/{district.pk}/report.pdf"),
            ("district manager", "sessions export, district (XLSX)", "/dashboards/exports/sessions.xlsx"),
            ("district manager", "indicator table export (CSV)", "/dashboards/exports/indicators.csv"),
            ("coach", "coach home (20 coachees)", "/"),
        ]
        storages = {**settings.STORAGES,  # no collectstatic here: plain static URLs
                    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
            for who, label, url in pages:
                client = Client()
                client.force_login(people[who])
                median, queries, size = measure(client, url)
                print(f"{label:<36} {who:<17} median {median:7.0f} ms  {queries:3d} queries  {size / 1000:6.1f} KB")
            client = Client()
            client.force_login(people["national admin"])
            median, queries, size = measure(client, "/dashboards/exports/sessions.csv", runs=1)
            print(f"{'sessions export, national (CSV)':<36} {'national admin':<17} {median:7.0f} ms  {queries:3d} "
                  f"queries  {size / 1e6:6.1f} MB")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
