"""National-scale benchmark against the limit (issue 9). Not a test: prints one JSON line per figure.

    .venv/bin/python bench/national.py                    # database pevnational on 127.0.0.1:5432
    .venv/bin/python bench/national.py --database other --runs 40 --only dashboard

Runs against a PostgreSQL database you name (created, migrated and filled with
`generate_country --seed 1` when it holds no synthetic country yet; kept afterwards, so later runs
start at once). Pages and endpoints are timed in-process through Django's test Client with the
production middleware (DEBUG off), so the figures are the application's own time without
network or proxy; bench/cluster.py measures through nginx and gunicorn.

For each figure it also times "the limit": the fastest hand-written SQL that fetches the same
answer from the same database (for a page, the statements that read exactly what the page shows,
run back to back on one connection, with the session, the signed-in person and the menu's unread
count, or the API token, that every request reads first; the arithmetic of indicators is not
counted). Each line:

    {"figure": ..., "p50_ms": ..., "p95_ms": ..., "sql_p95_ms": ..., "ratio": p95 / sql_p95,
     "goal": ..., "ok": ..., "queries": ...}

p95 by nearest rank over --runs runs (default 20) after two warm-up runs; with --rounds K the best of K
rounds (the machine may be shared). Pages read figures worked out once per import
(pevcoach/indicators/figures_cache.py): p50/p95 are what everyone sees between two imports,
"first_view_*" what the first person to open the page after an import sees (cache emptied before
each run). Goals: every figure within 2× of its limit; p95 ≤ 300 ms for dashboard pages at
national scope, ≤ 100 ms for the coach's and coachee's pages; a sync pull ≤ 200 KB for a coachee and ≤ 1 MB for a coach.
"floor" lines show what any signed-in page costs in this stack whatever its queries.
"""

import argparse
import gc
import gzip
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="pevnational", help="PostgreSQL database (127.0.0.1:5432, postgres)")
    parser.add_argument("--url", help="full DATABASE_URL instead of --database")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of --runs each; the best round is kept")
    parser.add_argument("--only", help="run only the figures whose name contains this text")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--random-page-cost", default="1.1",
                        help="planner cost of a random read set on the database (1.1 for SSDs, as README "
                             "recommends; PostgreSQL's default is 4)")
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None:
    url = ARGS.url or f"postgres://postgres@127.0.0.1:5432/{ARGS.database}"
    os.environ.update(DATABASE_URL=url, SECRET_KEY="bench-only", DEBUG="False", ALLOWED_HOSTS="testserver",
                      SECURE_SSL_REDIRECT="False", SECURE_COOKIES="False", LOG_LEVEL="WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pevcoach.settings"

import django  # noqa: E402


def ensure_database(url, random_page_cost):
    """Create the database when it does not exist yet (connecting to `postgres` on the same server),
    and give it the planner setting of the recommended deployment."""
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    admin = {**settings.DATABASES["default"], "NAME": "postgres"}
    with psycopg.connect(host=admin["HOST"] or None, port=admin["PORT"] or None, user=admin["USER"] or None,
                         password=admin["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(json.dumps({"note": f"created database {name}"}), flush=True)
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {float(random_page_cost)}')


# --- measuring ----------------------------------------------------------------------------------

def p95(times):
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(function, runs, warm=2):
    """Milliseconds of `runs` calls after `warm` ones; with --rounds K, the round of the lowest p95 of K (on a
    machine others load at times, a bad round says more about them than about the code)."""
    for _ in range(warm):
        function()
    best = None
    for _ in range(ARGS.rounds if ARGS else 1):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
        best = times if best is None or p95(times) < p95(best) else best
    return best


def sql_runner(statements):
    """A function running the hand-written statements back to back and fetching every row."""
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def report(name, times, sql_times=None, *, goal_ms=None, ratio_goal=2.0, **extra):
    line = {"figure": name, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1)}
    ok = True
    if sql_times is not None:
        line["sql_p95_ms"] = round(p95(sql_times), 2)
        line["ratio"] = round(p95(times) / max(p95(sql_times), 0.01), 1)
        ok = line["ratio"] <= ratio_goal
    goals = []
    if goal_ms is not None:
        goals.append(f"p95 <= {goal_ms} ms")
        ok = ok and line["p95_ms"] <= goal_ms
    if sql_times is not None:
        goals.append(f"ratio <= {ratio_goal:g}")
    line.update(extra)
    line.update(goal=", ".join(goals) or None, ok=ok if goals else None)
    if any(k.startswith("ok_") and v is False for k, v in line.items()):
        line["ok"] = False
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


class Page:
    """A page or endpoint fetched through the test Client, signed in (session) or with a token."""

    def __init__(self, user, url, *, token=None, headers=None):
        from django.test import Client

        self.url, self.client, self.user, self.token = url, Client(**(headers or {})), user, token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        if token is None:
            self.client.force_login(user)

    def __call__(self):
        response = self.client.get(self.url, headers=self.headers)
        assert response.status_code == 200, (self.url, response.status_code, response.content[:300])
        return response

    def identity_sql(self):
        """What any request of this page reads before its own work, as the fastest SQL would read it: the
        session (or the token) and the signed-in person; and for a page, the unread count in its menu."""
        if self.token is not None:
            from pevcoach.accounts.services import hash_token

            return [("""SELECT t.*, u.*, o.* FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
                         LEFT JOIN orgunits_orgunit o ON o.id = u.org_unit_id WHERE t.key_hash = %s""",
                     [hash_token(self.token)])]
        return [("SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()",
                 [self.client.session.session_key]),
                ("SELECT * FROM accounts_user WHERE id = %s", [self.user.pk]),
                ("SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s AND read_at IS NULL",
                 [self.user.pk])]

    def queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self()
        return len(captured)


def first_view(page):
    """The page as the first person to open it after an import sees it: no figure worked out yet."""
    from django.core.cache import cache

    def run():
        cache.clear()
        return page()

    return run


def measure_page(name, page, statements, runs, *, goal_ms, **extra):
    if statements:  # the limit reads who asks too, as the page must
        statements = page.identity_sql() + statements
    times = timed(page, runs)
    sql_times = timed(sql_runner(statements), runs) if statements else None
    cold = timed(first_view(page), max(5, runs // 2), warm=0)
    return report(name, times, sql_times, goal_ms=goal_ms, queries=page.queries(),
                  first_view_p50_ms=round(statistics.median(cold), 1), first_view_p95_ms=round(p95(cold), 1),
                  **extra)


def wanted(name):
    return not ARGS.only or ARGS.only.lower() in name.lower()


# --- the cast: who is measured ----------------------------------------------------------------------

class World:
    def __init__(self):
        from django.db.models import Count, Q

        from pevcoach.accounts.models import User
        from pevcoach.coaching.models import Relationship
        from pevcoach.demo.country import CODE_PREFIX
        from pevcoach.indicators.models import DataElement
        from pevcoach.orgunits.models import Level, OrgUnit

        self.country = OrgUnit.objects.get(code=f"{CODE_PREFIX}MLI")
        # The largest region, district and centre: the heaviest pages of their kind.
        self.region = OrgUnit.objects.filter(parent=self.country).annotate(n=Count("children")).order_by(
            "-n", "pk").first()
        self.district = OrgUnit.objects.filter(parent__parent=self.country).annotate(n=Count("children")).order_by(
            "-n", "pk").first()
        self.national = User.objects.get(username="synth.national")
        self.coach = User.objects.filter(username__startswith="synth.coach").annotate(n=Count(
            "coaching_as_coach", filter=Q(coaching_as_coach__status=Relationship.Status.ACTIVE))).order_by(
            "-n", "pk").first()
        busiest = Relationship.objects.filter(status=Relationship.Status.ACTIVE, coach__username__startswith="synth.",
                                              is_practice=False).annotate(n=Count("sessions")).order_by("-n", "pk")
        self.relationship = busiest.select_related("coachee", "org_unit").first()
        self.coachee = self.relationship.coachee
        self.facility = self.relationship.org_unit
        self.elements = dict(DataElement.objects.values_list("code", "id"))
        self.facility_level = Level.FACILITY
        from pevcoach.dashboards.queries import latest_month

        self.last = latest_month([self.country])
        self.year = self.last // 100 - (0 if self.last % 100 == 12 else 1)  # the last complete year


def months_back(last, n):
    from pevcoach.indicators.compute import month_range

    months = month_range(last, n)
    return months[0], months[-1]


# --- indicator values -------------------------------------------------------------------------------

def indicator_sql(world, unit, year):
    """Everything indicator_values reads for a year: 24 months of subtree totals (12 more for the outlier
    flag), the year's populations, reporting counts and the number of centres, in one statement."""
    first, last = (year - 1) * 100 + 1, year * 100 + 12
    table = "indicators_monthlytotal" if unit.level < world.facility_level else "indicators_monthlyvalue"
    sql = f"""
        SELECT 0, data_element_id, month, value FROM {table}
         WHERE org_unit_id = %(unit)s AND month BETWEEN %(first)s AND %(last)s
        UNION ALL
        SELECT 1, data_element_id, year, value FROM indicators_yearlytotal
         WHERE org_unit_id = %(unit)s AND year = %(year)s
        UNION ALL
        SELECT 2, 0, month, facilities FROM indicators_monthlyreporting
         WHERE org_unit_id = %(unit)s AND month BETWEEN %(year0)s AND %(last)s
        UNION ALL
        SELECT 3, 0, 0, COUNT(*) FROM orgunits_orgunit WHERE path LIKE %(path)s AND level = 4
    """  # noqa: S608 (table names are ours)
    return [(sql, {"unit": unit.pk, "first": first, "last": last, "year": year, "year0": year * 100 + 1,
                   "path": unit.path + "%"})]


def bench_indicators(world, runs):
    from pevcoach.accounts.services import issue_api_token
    from pevcoach.indicators.queries import indicator_values

    for label, unit in (("country", world.country), ("region", world.region), ("district", world.district)):
        name = f"indicator values, {label}, year {world.year} (indicator_values)"
        if wanted(name):
            times = timed(lambda u=unit: indicator_values(u, str(world.year)), runs)
            report(name, times, timed(sql_runner(indicator_sql(world, unit, world.year)), runs), goal_ms=50)
    name = f"GET /api/v1/indicator-values, country, {world.year} (token)"
    if wanted(name):
        token = issue_api_token(user=world.national, label="bench")
        page = Page(world.national, f"/api/v1/indicator-values?org_unit={world.country.code}&period={world.year}",
                    token=token)
        measure_page(name, page, indicator_sql(world, world.country, world.year), runs, goal_ms=100)


# --- dashboards ---------------------------------------------------------------------------------------

def _since_months(months_ago):
    import datetime

    from django.utils import timezone

    from pevcoach.dashboards.areas import this_month
    from pevcoach.indicators.compute import add_months

    month = add_months(this_month(), -months_ago)
    return timezone.make_aware(datetime.datetime(month // 100, month % 100, 1))


def area_sql(world, unit):
    """What an area dashboard shows: key indicators of the unit and of each unit below over 12 months,
    centres coached and sessions held (3 months) under each, then the area's coaching activity."""
    import datetime

    from django.utils import timezone

    first, last = months_back(world.last, 12)
    e = world.elements
    doses = [e["PENTA1"], e["PENTA3"], e["RR1"]]
    children_are_centres = unit.level == world.facility_level - 1
    child_table = "indicators_monthlyvalue" if children_are_centres else "indicators_monthlytotal"
    today = timezone.localdate()
    params = {"unit": unit.pk, "first": first, "last": last, "doses": doses, "path": unit.path + "%",
              "years": [first // 100, last // 100], "since3": _since_months(2), "since12": _since_months(11),
              "year_ago": today - datetime.timedelta(days=365), "today": today}
    return [
        (f"""SELECT org_unit_id, data_element_id, SUM(value) FROM indicators_monthlytotal
              WHERE org_unit_id = %(unit)s AND month BETWEEN %(first)s AND %(last)s
                AND data_element_id = ANY(%(doses)s) GROUP BY 1, 2
             UNION ALL
             SELECT v.org_unit_id, v.data_element_id, SUM(v.value) FROM {child_table} v
               JOIN orgunits_orgunit c ON c.id = v.org_unit_id AND c.parent_id = %(unit)s
              WHERE v.month BETWEEN %(first)s AND %(last)s AND v.data_element_id = ANY(%(doses)s) GROUP BY 1, 2""",  # noqa: S608
         params),
        ("""SELECT y.org_unit_id, y.data_element_id, y.year, y.value FROM indicators_yearlytotal y
              JOIN orgunits_orgunit c ON c.id = y.org_unit_id AND (c.id = %(unit)s OR c.parent_id = %(unit)s)
             WHERE y.year = ANY(%(years)s)""", params),
        ("""SELECT r.org_unit_id, SUM(r.facilities) FROM indicators_monthlyreporting r
              JOIN orgunits_orgunit c ON c.id = r.org_unit_id AND (c.id = %(unit)s OR c.parent_id = %(unit)s)
             WHERE r.month BETWEEN %(first)s AND %(last)s GROUP BY 1""", params),
        ("""SELECT c.id, c.name, c.code, c.path, c.level FROM orgunits_orgunit c
             WHERE c.id = %(unit)s OR c.parent_id = %(unit)s""", params),
        ("""SELECT path FROM orgunits_orgunit WHERE path LIKE %(path)s AND level = 4""", params),
        ("""SELECT DISTINCT o.path FROM coaching_relationship r JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND r.status = 'active' AND o.level = 4 AND o.path LIKE %(path)s""", params),
        ("""SELECT o.path, COUNT(*) FROM coaching_session s JOIN coaching_relationship r ON r.id = s.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s AND s.status IN ('held', 'completed')
               AND s.scheduled_for >= %(since3)s GROUP BY o.path""", params),
        ("""SELECT date_trunc('month', s.scheduled_for AT TIME ZONE 'Africa/Bamako'), s.mode, COUNT(*)
              FROM coaching_session s JOIN coaching_relationship r ON r.id = s.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s AND s.status IN ('held', 'completed')
               AND s.scheduled_for >= %(since12)s GROUP BY 1, 2""", params),
        ("""SELECT COUNT(*) FILTER (WHERE a.status = 'done' AND a.completed_at::date <= a.due_date),
                   COUNT(*) FILTER (WHERE a.status = 'done' AND a.completed_at::date > a.due_date),
                   COUNT(*) FILTER (WHERE a.status = 'open' AND a.due_date < %(today)s),
                   COUNT(*) FILTER (WHERE a.status IN ('open', 'proposed') AND a.due_date >= %(today)s)
              FROM coaching_action a JOIN coaching_relationship r ON r.id = a.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s AND a.due_date >= %(year_ago)s""", params),
        ("""SELECT g.status, COUNT(*) FROM coaching_goal g JOIN coaching_relationship r ON r.id = g.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s GROUP BY 1""", params),
        ("""SELECT COUNT(*), AVG(f.session_useful), AVG(f.listened_to), AVG(f.support_received)
              FROM coaching_feedback f JOIN coaching_relationship r ON r.id = f.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s AND f.direction = 'to_coach'""", params),
    ]


def facility_sql(world, unit):
    """A centre's page: 12 months of its key figures, its relationships with their last session, goals, actions."""
    first, last = months_back(world.last, 12)
    e = world.elements
    params = {"unit": unit.pk, "first": first, "last": last, "years": [first // 100, last // 100],
              "elements": [e["PENTA1"], e["PENTA3"], e["RR1"]]}
    return [
        ("""SELECT data_element_id, month, value FROM indicators_monthlyvalue
             WHERE org_unit_id = %(unit)s AND month BETWEEN %(first)s AND %(last)s
               AND data_element_id = ANY(%(elements)s)
            UNION ALL SELECT data_element_id, year, value FROM indicators_yearlytotal
             WHERE org_unit_id = %(unit)s AND year = ANY(%(years)s)""", params),
        ("""SELECT r.id, r.status, u1.first_name, u1.last_name, u2.first_name, u2.last_name,
                   (SELECT MAX(s.scheduled_for) FROM coaching_session s
                     WHERE s.relationship_id = r.id AND s.status IN ('held', 'completed'))
              FROM coaching_relationship r JOIN accounts_user u1 ON u1.id = r.coach_id
              JOIN accounts_user u2 ON u2.id = r.coachee_id WHERE r.org_unit_id = %(unit)s AND NOT r.is_practice""",
         params),
        ("""SELECT g.* FROM coaching_goal g JOIN coaching_relationship r ON r.id = g.relationship_id
             WHERE r.org_unit_id = %(unit)s AND NOT r.is_practice AND g.status = 'active'
             ORDER BY g.deadline LIMIT 10""", params),
        ("""SELECT COUNT(*) FILTER (WHERE a.status = 'open'), COUNT(*) FILTER (WHERE a.status = 'open'
                   AND a.due_date < CURRENT_DATE)
              FROM coaching_action a JOIN coaching_relationship r ON r.id = a.relationship_id
             WHERE r.org_unit_id = %(unit)s AND NOT r.is_practice""", params),
    ]


def map_sql(world, unit):
    """The gap map coloured by RED category: every centre with its place and 12 months of Penta1, Penta3
    and its population."""
    first, last = months_back(world.last, 12)
    e = world.elements
    params = {"path": unit.path + "%", "first": first, "last": last, "years": [first // 100, last // 100],
              "p1": e["PENTA1"], "p3": e["PENTA3"], "pop": e["POP_SURVIVING_INFANTS"]}
    return [
        ("""SELECT f.id, f.name, f.latitude, f.longitude,
                   (SELECT array_agg(v.data_element_id || ':' || v.month || ':' || v.value)
                      FROM indicators_monthlyvalue v
                     WHERE v.org_unit_id = f.id AND v.month BETWEEN %(first)s AND %(last)s
                       AND v.data_element_id IN (%(p1)s, %(p3)s)),
                   (SELECT array_agg(y.year || ':' || y.value) FROM indicators_yearlytotal y
                     WHERE y.org_unit_id = f.id AND y.data_element_id = %(pop)s AND y.year = ANY(%(years)s))
              FROM orgunits_orgunit f WHERE f.path LIKE %(path)s AND f.level = 4 ORDER BY f.name""", params),
    ]


def impact_sql(world, unit):
    """Coached against not-yet-coached centres: 24 months of Penta3 and population per centre, and the
    month coaching started in each."""
    first, last = months_back(world.last, 24)
    e = world.elements
    params = {"path": unit.path + "%", "first": first, "last": last,
              "years": list(range(first // 100, last // 100 + 1)), "p3": e["PENTA3"],
              "pop": e["POP_SURVIVING_INFANTS"]}
    return [
        ("""SELECT v.org_unit_id, v.month, v.value FROM indicators_monthlyvalue v
              JOIN orgunits_orgunit f ON f.id = v.org_unit_id AND f.path LIKE %(path)s AND f.level = 4
             WHERE v.month BETWEEN %(first)s AND %(last)s AND v.data_element_id = %(p3)s""", params),
        ("""SELECT y.org_unit_id, y.year, y.value FROM indicators_yearlytotal y
              JOIN orgunits_orgunit f ON f.id = y.org_unit_id AND f.path LIKE %(path)s AND f.level = 4
             WHERE y.data_element_id = %(pop)s AND y.year = ANY(%(years)s)""", params),
        ("""SELECT r.org_unit_id, MIN(s.scheduled_for) FROM coaching_session s
              JOIN coaching_relationship r ON r.id = s.relationship_id
              JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE NOT r.is_practice AND o.path LIKE %(path)s AND s.status IN ('held', 'completed')
             GROUP BY 1""", params),
    ]


def bench_dashboards(world, runs):
    from django.urls import reverse

    national = world.national
    pages = [
        ("dashboard, country", world.country, area_sql),
        ("dashboard, region", world.region, area_sql),
        ("dashboard, district", world.district, area_sql),
    ]
    for label, unit, sql in pages:
        name = f"{label} ({unit.name})"
        if wanted(name):
            measure_page(name, Page(national, reverse("dashboards:unit", args=[unit.pk])), sql(world, unit), runs,
                         goal_ms=300)
    name = "dashboard, health centre page"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:unit", args=[world.facility.pk])),
                     facility_sql(world, world.facility), runs, goal_ms=300)
    name = "gap map, country, RED category (1,500 centres)"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:map", args=[world.country.pk]) + "?colour=RED_CAT"),
                     map_sql(world, world.country), runs, goal_ms=300)
    name = "impact, country, Penta3 coverage (24 months)"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:impact", args=[world.country.pk]) +
                                "?indicator=COV_PENTA3"), impact_sql(world, world.country), runs, goal_ms=300)
    name = "monthly report PDF, country"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:monthly_report", args=[world.country.pk])),
                     area_sql(world, world.country), runs, goal_ms=300)
    name = "exports page"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:exports")), [], runs, goal_ms=300)
    name = "export, indicator table CSV, country"
    if wanted(name):
        measure_page(name, Page(national, reverse("dashboards:export", args=["indicators", "csv"]) +
                                f"?unit={world.country.pk}"), area_sql(world, world.country)[:4], runs, goal_ms=300)
    for label, unit in (("district", world.district), ("country", world.country)):
        name = f"export, sessions CSV, {label} (a download, not a page)"
        if wanted(name):
            page = Page(national, reverse("dashboards:export", args=["sessions", "csv"]) + f"?unit={unit.pk}")
            rows = page().content.count(b"\n") - 1
            sql = [("""SELECT s.id, s.scheduled_for, s.mode, s.status, s.is_follow_up, o.name, o.code,
                              u1.first_name, u1.last_name, u2.first_name, u2.last_name, s.summary
                         FROM coaching_session s JOIN coaching_relationship r ON r.id = s.relationship_id
                         JOIN orgunits_orgunit o ON o.id = r.org_unit_id JOIN accounts_user u1 ON u1.id = r.coach_id
                         JOIN accounts_user u2 ON u2.id = r.coachee_id
                        WHERE NOT r.is_practice AND o.path LIKE %s ORDER BY s.scheduled_for""", [unit.path + "%"])]
            few = max(3, runs // 5)
            times = timed(page, few, warm=1)
            report(name, times, timed(sql_runner(sql), few, warm=1), rows=rows,
                   rows_per_s=round(rows / (statistics.median(times) / 1000)))


# --- coach and coachee ----------------------------------------------------------------------------------

def coach_home_sql(world):
    first, last = months_back(world.last, 6)
    e = world.elements
    params = {"coach": world.coach.pk, "first": first, "last": last, "years": [first // 100, last // 100],
              "elements": [e["PENTA1"], e["PENTA3"], e["RR1"]]}
    mine = "SELECT id FROM coaching_relationship WHERE coach_id = %(coach)s AND status = 'active' AND NOT is_practice"
    return [
        ("""SELECT r.id, r.org_unit_id, u.first_name, u.last_name, o.name, o.path FROM coaching_relationship r
              JOIN accounts_user u ON u.id = r.coachee_id JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE r.coach_id = %(coach)s AND r.status = 'active' AND NOT r.is_practice""", params),
        (f"""SELECT relationship_id, MAX(scheduled_for) FROM coaching_session
              WHERE relationship_id IN ({mine}) AND status IN ('held', 'completed') GROUP BY 1""", params),  # noqa: S608
        (f"""SELECT relationship_id, COUNT(*) FROM coaching_action
              WHERE relationship_id IN ({mine}) AND status = 'open' AND due_date < CURRENT_DATE GROUP BY 1""",  # noqa: S608
         params),
        (f"""SELECT relationship_id, start_date, deadline, baseline_value, target_value, latest_value
               FROM coaching_goal WHERE relationship_id IN ({mine}) AND status = 'active'""", params),  # noqa: S608
        (f"""SELECT v.org_unit_id, v.data_element_id, v.month, v.value FROM indicators_monthlyvalue v
              WHERE v.org_unit_id IN (SELECT org_unit_id FROM coaching_relationship WHERE id IN ({mine}))
                AND v.month BETWEEN %(first)s AND %(last)s AND v.data_element_id = ANY(%(elements)s)
             UNION ALL
             SELECT y.org_unit_id, y.data_element_id, y.year, y.value FROM indicators_yearlytotal y
              WHERE y.org_unit_id IN (SELECT org_unit_id FROM coaching_relationship WHERE id IN ({mine}))
                AND y.year = ANY(%(years)s)""", params),  # noqa: S608
        (f"""SELECT s.id, s.scheduled_for, s.mode, s.relationship_id FROM coaching_session s
              WHERE s.relationship_id IN ({mine}) AND s.status = 'planned' AND s.scheduled_for >= now()
              ORDER BY s.scheduled_for LIMIT 5""", params),  # noqa: S608
    ]


def coachee_home_sql(world):
    first, last = months_back(world.last, 12)
    e = world.elements
    params = {"coachee": world.coachee.pk, "unit": world.facility.pk, "first": first, "last": last,
              "years": [first // 100, last // 100], "elements": [e["PENTA1"], e["PENTA3"], e["RR1"]]}
    mine = "SELECT id FROM coaching_relationship WHERE coachee_id = %(coachee)s AND NOT is_practice"
    return [
        (f"""SELECT * FROM coaching_goal WHERE relationship_id IN ({mine}) AND status = 'active'
             ORDER BY deadline LIMIT 6""", params),  # noqa: S608
        (f"""SELECT *, COUNT(*) OVER (), COUNT(*) FILTER (WHERE status = 'open' AND due_date < CURRENT_DATE) OVER ()
               FROM coaching_action WHERE relationship_id IN ({mine}) AND owner_id = %(coachee)s
                AND status IN ('open', 'proposed') ORDER BY due_date LIMIT 6""", params),  # noqa: S608
        (f"""SELECT s.*, u.first_name, u.last_name FROM coaching_session s
              JOIN coaching_relationship r ON r.id = s.relationship_id JOIN accounts_user u ON u.id = r.coach_id
             WHERE s.relationship_id IN ({mine}) AND s.status = 'planned' AND s.scheduled_for >= now()
             ORDER BY s.scheduled_for LIMIT 1""", params),  # noqa: S608
        (f"""SELECT f.*, u.first_name, u.last_name FROM coaching_feedback f JOIN accounts_user u ON u.id = f.author_id
              WHERE f.relationship_id IN ({mine}) AND f.direction = 'to_coachee' ORDER BY f.created_at DESC LIMIT 2""",  # noqa: S608
         params),
        ("""SELECT data_element_id, month, value FROM indicators_monthlyvalue
             WHERE org_unit_id = %(unit)s AND month BETWEEN %(first)s AND %(last)s
               AND data_element_id = ANY(%(elements)s)
            UNION ALL SELECT data_element_id, year, value FROM indicators_yearlytotal
             WHERE org_unit_id = %(unit)s AND year = ANY(%(years)s)""", params),
    ]


def relationship_page_sql(world):
    params = {"r": world.relationship.pk}
    return [
        ("""SELECT r.*, o.name FROM coaching_relationship r JOIN orgunits_orgunit o ON o.id = r.org_unit_id
             WHERE r.id = %(r)s""", params),
        ("SELECT * FROM coaching_session WHERE relationship_id = %(r)s ORDER BY scheduled_for DESC", params),
        ("SELECT * FROM coaching_goal WHERE relationship_id = %(r)s ORDER BY deadline", params),
        ("""SELECT a.*, u.first_name, u.last_name, (SELECT COUNT(*) FROM coaching_evidence e WHERE e.action_id = a.id)
              FROM coaching_action a JOIN accounts_user u ON u.id = a.owner_id WHERE a.relationship_id = %(r)s
             ORDER BY a.due_date""", params),
        ("SELECT * FROM coaching_feedback WHERE relationship_id = %(r)s ORDER BY created_at DESC", params),
        ("SELECT * FROM coaching_relationshipevent WHERE relationship_id = %(r)s ORDER BY at", params),
    ]


def bench_people(world, runs):
    from django.urls import reverse

    name = f"coach home, coach with {world.coach.n} active coachees"
    if wanted(name):
        measure_page(name, Page(world.coach, "/"), coach_home_sql(world), runs, goal_ms=100)
    name = "coachee home"
    if wanted(name):
        measure_page(name, Page(world.coachee, "/"), coachee_home_sql(world), runs, goal_ms=100)
    name = f"relationship page, {world.relationship.n} sessions (coachee)"
    if wanted(name):
        measure_page(name, Page(world.coachee, reverse("coaching:relationship", args=[world.relationship.pk])),
                     relationship_page_sql(world), runs, goal_ms=100)
    name = "coaching list (coach)"
    if wanted(name):
        sql = [("""SELECT r.*, u1.first_name, u2.first_name, o.name FROM coaching_relationship r
                     JOIN accounts_user u1 ON u1.id = r.coach_id JOIN accounts_user u2 ON u2.id = r.coachee_id
                     JOIN orgunits_orgunit o ON o.id = r.org_unit_id
                    WHERE r.coach_id = %s OR r.coachee_id = %s ORDER BY r.updated_at DESC""",
                [world.coach.pk, world.coach.pk])]
        measure_page(name, Page(world.coach, reverse("coaching:list")), sql, runs, goal_ms=100)
    name = "my actions (coach)"
    if wanted(name):
        sql = [("""SELECT a.*, u.first_name FROM coaching_action a
                     JOIN coaching_relationship r ON r.id = a.relationship_id JOIN accounts_user u ON u.id = a.owner_id
                    WHERE (r.coach_id = %s OR r.coachee_id = %s) AND a.status IN ('open', 'proposed')
                    ORDER BY a.due_date""", [world.coach.pk, world.coach.pk]),
               ("""SELECT e.* FROM coaching_evidence e JOIN coaching_action a ON a.id = e.action_id
                     JOIN coaching_relationship r ON r.id = a.relationship_id
                    WHERE (r.coach_id = %s OR r.coachee_id = %s) AND e.review = 'pending'
                      AND e.submitted_by_id <> %s""",
                [world.coach.pk, world.coach.pk, world.coach.pk])]
        measure_page(name, Page(world.coach, reverse("coaching:my_actions")), sql, runs, goal_ms=100)


# --- sync ----------------------------------------------------------------------------------------------

def pull_sql(user):
    """The rows a first pull sends: each kind of record of the user's relationships, oldest change first,
    up to the pull's limit, and the count of open conflicts."""
    from pevcoach.sync import services

    horizon = getattr(services, "history_start", lambda: None)()
    limit = services.PULL_LIMIT + 1
    mine = "SELECT id FROM coaching_relationship WHERE coach_id = %(u)s OR coachee_id = %(u)s"
    params = {"u": user.pk, "limit": limit, "horizon": horizon}
    recent = "" if horizon is None else " AND ({open} OR updated_at >= %(horizon)s)"
    kinds = [
        ("coaching_relationship", "coach_id = %(u)s OR coachee_id = %(u)s", "status <> 'closed'"),
        ("coaching_session", f"relationship_id IN ({mine})", "status IN ('planned', 'held')"),
        ("coaching_goal", f"relationship_id IN ({mine})", "status = 'active'"),
        ("coaching_action", f"relationship_id IN ({mine})", "status IN ('open', 'proposed')"),
        ("coaching_evidence", f"action_id IN (SELECT id FROM coaching_action WHERE relationship_id IN ({mine}))",  # noqa: S608
         "review = 'pending'"),
        ("coaching_feedback", f"relationship_id IN ({mine}) AND (direction = 'to_coachee' OR author_id = %(u)s)",
         "FALSE"),
        ("coaching_checklist", f"relationship_id IN ({mine})", "FALSE"),
    ]
    statements = [(f"SELECT * FROM {table} WHERE ({where}){recent.format(open=open_)} "  # noqa: S608
                   f"ORDER BY updated_at LIMIT %(limit)s", params) for table, where, open_ in kinds]
    statements.append((f"SELECT COUNT(*) FROM sync_conflict WHERE relationship_id IN ({mine}) "  # noqa: S608
                       "AND status = 'open'", params))
    return statements


def bench_sync(world, runs):
    from pevcoach.accounts.services import issue_api_token

    for label, user, budget in (("coachee", world.coachee, 200_000), (f"coach ({world.coach.n} coachees)",
                                                                        world.coach, 1_000_000)):
        name = f"sync pull, first, {label}"
        if not wanted(name):
            continue
        token = issue_api_token(user=user, label="bench")
        page = Page(user, "/api/v1/sync/pull", token=token, headers={"HTTP_ACCEPT_ENCODING": "gzip"})
        response = page()
        wire = len(response.content)
        body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
        data = json.loads(body)
        measure_page(name, page, pull_sql(user), runs, goal_ms=300 if "coach " in label else 100,
                     json_bytes=len(body), gzip_bytes=wire, byte_budget=budget, ok_bytes=len(body) <= budget,
                     more=data["more"], records={k: len(v) for k, v in data["records"].items()})


# --- imports --------------------------------------------------------------------------------------------

def import_file(world, month, bump):
    """A DHIS2 CSV of one month for every centre of the country and every monthly element."""
    import random

    from pevcoach.demo.country import DOSES, OTHERS
    from pevcoach.orgunits.models import OrgUnit

    rng = random.Random(month + bump)
    lines = ["dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup"]
    codes = list(OrgUnit.objects.filter(path__startswith=world.country.path, level=world.facility_level)
                 .values_list("code", flat=True))
    for code in codes:
        for element in DOSES + OTHERS:
            lines.append(f"{element},{month},{code},HllvX50cXC0,HllvX50cXC0,{rng.randint(0, 60) + bump},bench,,,")
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def import_sql(world, data, month):
    """The limit of an import: COPY the parsed rows into a staging table, one upsert, and the month's
    totals and reporting counts rebuilt from the materialised paths, in one transaction."""
    import csv
    import io

    from django.db import connection, transaction

    from pevcoach.orgunits.models import OrgUnit

    units = dict(OrgUnit.objects.filter(path__startswith=world.country.path).values_list("code", "id"))
    rows = [(units[r["orgunit"]], world.elements[r["dataelement"]], month, float(r["value"]))
            for r in csv.DictReader(io.StringIO(data.decode()))]
    ancestors = ("SELECT a.id::bigint AS ancestor, f.id AS unit FROM orgunits_orgunit f, "
                 "unnest(string_to_array(trim(both '/' from f.path), '/')) AS a(id) WHERE f.path LIKE %(path)s "
                 "AND a.id::bigint <> f.id")
    params = {"month": month, "path": world.country.path + "%", "doses": [world.elements[c] for c in
                                                                          ("PENTA1", "BCG", "RR1")]}

    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_staging (o bigint, e bigint, m int, v float8) ON COMMIT DROP")
            with cursor.cursor.copy("COPY bench_staging FROM STDIN") as copy:
                copy.write("".join(f"{o}\t{e}\t{m}\t{v}\n" for o, e, m, v in rows))
            cursor.execute("INSERT INTO indicators_monthlyvalue (org_unit_id, data_element_id, month, value) "
                           "SELECT o, e, m, v FROM bench_staging ON CONFLICT (org_unit_id, data_element_id, month) "
                           "DO UPDATE SET value = EXCLUDED.value WHERE indicators_monthlyvalue.value <> EXCLUDED.value")
            cursor.execute("DELETE FROM indicators_monthlytotal WHERE month = %(month)s", params)
            cursor.execute("DELETE FROM indicators_monthlyreporting WHERE month = %(month)s", params)
            cursor.execute(f"""INSERT INTO indicators_monthlytotal (org_unit_id, data_element_id, month, value)
                               SELECT t.ancestor, v.data_element_id, v.month, SUM(v.value)
                                 FROM ({ancestors}) t JOIN indicators_monthlyvalue v ON v.org_unit_id = t.unit
                                WHERE v.month = %(month)s GROUP BY 1, 2, 3""", params)  # noqa: S608
            cursor.execute(f"""INSERT INTO indicators_monthlyreporting (org_unit_id, month, facilities)
                               SELECT t.ancestor, %(month)s, COUNT(DISTINCT v.org_unit_id)
                                 FROM ({ancestors}) t JOIN indicators_monthlyvalue v ON v.org_unit_id = t.unit
                                WHERE v.month = %(month)s GROUP BY 1""", params)  # noqa: S608

    return run


def bench_import(world, runs):
    from pevcoach.indicators import services, totals
    from pevcoach.indicators.compute import add_months
    from pevcoach.indicators.models import MonthlyValue

    name = "import, one month of the country (DHIS2 CSV, every element)"
    if not wanted(name):
        return
    month = add_months(world.last, 1)  # the month in progress: imported, then taken out again
    few = max(3, runs // 5)

    def clean():
        MonthlyValue.objects.filter(month=month).delete()
        totals.refresh_monthly(months=[month])

    times, sql_times, count = [], [], 0
    try:
        for n in range(few + 1):
            data, count = import_file(world, month, n)
            start = time.perf_counter()
            services.import_data_values(data=data, name="bench-national.csv")
            elapsed = (time.perf_counter() - start) * 1000
            if n:
                times.append(elapsed)  # the first run warms up
            clean()
            run = import_sql(world, data, month)
            start = time.perf_counter()
            run()
            if n:
                sql_times.append((time.perf_counter() - start) * 1000)
            clean()
    finally:
        clean()
    report(name, times, sql_times, values=count, values_per_s=round(count / (statistics.median(times) / 1000)),
           sql_values_per_s=round(count / (statistics.median(sql_times) / 1000)))


def bench_floor(world, runs):
    for name, page, sql in (
        ("floor: GET /healthz (no session)", None, [("SELECT 1", [])]),
        ("floor: GET /api/v1/me (token)", "/api/v1/me", []),
        ("floor: GET /profile/ (signed in)", "/profile/", []),
    ):
        if not wanted(name):
            continue
        if page is None:
            from django.test import Client

            client = Client()
            times = timed(lambda c=client: c.get("/healthz"), runs)
            report(name, times, timed(sql_runner(sql), runs))
            continue
        from pevcoach.accounts.services import issue_api_token

        token = issue_api_token(user=world.coachee, label="bench") if "token" in name else None
        target = Page(world.coachee, page, token=token)
        report(name, timed(target, runs), queries=target.queries())


def main():
    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    ensure_database(os.environ["DATABASE_URL"], ARGS.random_page_cost)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The national benchmark runs on PostgreSQL.")
    call_command("migrate", verbosity=0)
    from pevcoach.demo import country

    if not country.exists():
        call_command("generate_country", seed=ARGS.seed, scale=ARGS.scale, force=True)
    # Plain static file names: the benchmark serves no static file and needs no collectstatic.
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages):
        world = World()
        gc.freeze()  # as pevcoach/wsgi.py does in each app server once Django is loaded
        print(json.dumps({"note": "timed in-process with Django's test Client (DEBUG off, production middleware)",
                          "runs": ARGS.runs, "rounds": ARGS.rounds, "database": connection.settings_dict["NAME"],
                          "random_page_cost": ARGS.random_page_cost,
                          "centres": world.country.subtree().filter(level=world.facility_level).count(),
                          "last_month": world.last}), flush=True)
        for step in (bench_floor, bench_indicators, bench_dashboards, bench_people, bench_sync, bench_import):
            step(world, ARGS.runs)


if __name__ == "__main__":
    main()
