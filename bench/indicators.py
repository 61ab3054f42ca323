"""Benchmark of the indicators app at national scale (not a test: it prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pevcoach .venv/bin/python bench/indicators.py

Builds a throw-away database `<name>_bench` next to the one of DATABASE_URL (dropped at the end),
imports a national tree (10 regions, 75 districts, 1,500 health centres) from a DHIS2
organisationUnits file, then a DHIS2 CSV of about 1,000,000 values (24 months × 28 monthly
elements × 1,500 centres, plus yearly populations) through the same service as the
dhis2_import command: parsing, checks, COPY, upserts and the refresh of the totals included.
Then it times the reads the dashboards and the API make for one district.

Goals (issue 4): ≥ 20,000 values/s for the import; ≤ 50 ms for a district's indicator values
over 12 months.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pevcoach.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

REGIONS, DISTRICTS, CENTRES_PER_DISTRICT = 10, 75, 20  # Mali: 75 health districts, ~1,400 CSComs
MONTHLY = ["BCG", "VPO0", "PENTA1", "PENTA2", "PENTA3", "VPO1", "VPO2", "VPO3", "VPI1", "PCV1", "PCV2", "PCV3",
           "ROTA1", "ROTA2", "ROTA3", "RR1", "RR2", "VAA", "MENA", "HPV", "PALU1", "PALU2", "PALU3",
           "SESSIONS_FIXED_PLANNED", "SESSIONS_FIXED_HELD", "SESSIONS_OUTREACH_PLANNED", "SESSIONS_OUTREACH_HELD",
           "STOCKOUT_DAYS"]
MONTHS = [y * 100 + m for y in (2024, 2025) for m in range(1, 13)]


def uid(prefix, n):
    return f"{prefix}{n:0{11 - len(prefix)}d}"


def org_units():
    units = [{"id": uid("ML", 0), "name": "Mali", "code": "MLI", "level": 1}]
    for r in range(REGIONS):
        units.append({"id": uid("RG", r), "name": f"Région {r}", "level": 2, "parent": {"id": uid("ML", 0)}})
    for d in range(DISTRICTS):
        units.append({"id": uid("DS", d), "name": f"District {d}", "code": f"DS-{d}", "level": 3,
                      "parent": {"id": uid("RG", d % REGIONS)}})
    for c in range(DISTRICTS * CENTRES_PER_DISTRICT):
        units.append({"id": uid("CS", c), "name": f"CSCom {c}", "level": 4,
                      "parent": {"id": uid("DS", c // CENTRES_PER_DISTRICT)},
                      "geometry": {"type": "Point", "coordinates": [-5.0 - c / 1000, 11.0 + c / 2000]}})
    return units


def data_values_csv():
    rng = random.Random(4)
    lines = ["dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup"]
    for c in range(DISTRICTS * CENTRES_PER_DISTRICT):
        centre = uid("CS", c)
        infants = rng.randint(150, 600)
        for year in (2024, 2025):
            for code, factor in (("POP_SURVIVING_INFANTS", 1), ("POP_LIVE_BIRTHS", 1.04), ("POP_GIRLS_10", 0.9)):
                lines.append(f"{code},{year},{centre},HllvX50cXC0,HllvX50cXC0,{round(infants * factor)},bench,"
                             f"2026-01-05T10:00:00.000,,false")
        for month in MONTHS:
            base = infants / 12
            for code in MONTHLY:
                value = rng.randint(0, 8) if code.startswith(("SESSIONS", "STOCKOUT")) else round(
                    base * rng.uniform(0.6, 1.05))
                lines.append(f"{code},{month},{centre},HllvX50cXC0,HllvX50cXC0,{value},bench,"
                             f"2026-01-05T10:00:00.000,,false")
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def _api_call(country):
    """The whole API request for a district's year, as a phone or a dashboard makes it."""
    from django.test import Client
    from django.test.utils import override_settings

    from pevcoach.accounts.services import create_user, issue_api_token

    user = create_user(username="bench", password="bench-pass-1234", first_name="B", last_name="B",
                       org_unit=country, roles=["manager"])
    headers = {"Authorization": f"Bearer {issue_api_token(user=user, label='bench')}"}
    client = Client()

    def call():
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            response = client.get("/api/v1/indicator-values", {"org_unit": "DS-7", "period": "2025"},
                                  headers=headers, secure=True)
        assert response.status_code == 200, response.content

    return call


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/pevcoach")
    from pevcoach.indicators import services
    from pevcoach.indicators.models import MonthlyTotal
    from pevcoach.indicators.queries import indicator_series, indicator_values
    from pevcoach.orgunits.models import OrgUnit

    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench"
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        units = org_units()
        start = time.perf_counter()
        services.import_org_units(data=json.dumps({"organisationUnits": units}), name="bench-ou.json")
        print(f"org units: {len(units):,} imported in {time.perf_counter() - start:.1f} s")

        data, count = data_values_csv()
        print(f"data values file: {count:,} values, {len(data) / 1e6:.0f} MB of DHIS2 CSV")
        start = time.perf_counter()
        log = services.import_data_values(data=data, name="bench.csv")
        elapsed = time.perf_counter() - start
        print(f"import: {log.created:,} created in {elapsed:.1f} s = {count / elapsed:,.0f} values/s "
              f"(goal ≥ 20,000/s), totals refreshed: {MonthlyTotal.objects.count():,} rows")

        start = time.perf_counter()
        again = services.import_data_values(data=data, name="bench.csv")
        elapsed = time.perf_counter() - start
        print(f"same file again: {again.unchanged:,} unchanged, {again.created + again.updated} changed, "
              f"in {elapsed:.1f} s = {count / elapsed:,.0f} values/s")

        district = OrgUnit.objects.get(code="DS-7")
        region, country = district.parent, OrgUnit.objects.get(code="MLI")
        for label, unit in (("district", district), ("region", region), ("country", country)):
            median, worst = timed(lambda u=unit: indicator_values(u, "2025"), 30)
            print(f"indicator values, {label}, 12 months (2025), all indicators: median {median:.1f} ms, "
                  f"max {worst:.1f} ms (goal ≤ 50 ms)")
        median, worst = timed(lambda: indicator_values(district, "2025Q4"), 30)
        print(f"indicator values, district, a quarter: median {median:.1f} ms, max {worst:.1f} ms")
        median, worst = timed(lambda: indicator_series(district, "COV_PENTA3", "202512", 12), 30)
        print(f"monthly series, district, 12 months: median {median:.1f} ms, max {worst:.1f} ms")
        median, worst = timed(lambda: indicator_values(district, "2025", ["DQ_OUTLIER"]), 30)
        print(f"outlier flag, district, 12 months against the 12 before: median {median:.1f} ms, max {worst:.1f} ms")
        median, worst = timed(_api_call(country), 30)
        print(f"GET /api/v1/indicator-values?org_unit=DS-7&period=2025 (token, scope check, JSON): "
              f"median {median:.1f} ms, max {worst:.1f} ms")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
