"""An import is one transaction: killing its process (SIGKILL, mid-way through the writes) leaves the
database exactly as it was. Runs `manage.py dhis2_import` in a real subprocess against a scratch
database of the same engine as the test run (a SQLite file, or a PostgreSQL database)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ELEMENTS = ["BCG", "VPO0", "PENTA1", "PENTA2", "PENTA3", "VPI1", "PCV1", "PCV3", "ROTA1", "ROTA2"]
COUNT = """
import json
from pevcoach.audit.models import AuditEntry
from pevcoach.indicators.models import ImportLog, MonthlyTotal, MonthlyValue
print(json.dumps({"values": MonthlyValue.objects.count(), "totals": MonthlyTotal.objects.count(),
                  "logs": list(ImportLog.objects.values_list("pk", "status").order_by("pk")),
                  "audit": AuditEntry.objects.count(),
                  "sum": sum(MonthlyValue.objects.values_list("value", flat=True))}))
"""


@pytest.fixture
def scratch_database(tmp_path):
    """DATABASE_URL of an empty database of the same engine as the tests'."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import psycopg

    conf = connection.settings_dict
    name = f"{conf['NAME']}_sigkill"[:63]
    admin = {"host": conf["HOST"], "port": conf["PORT"] or 5432, "user": conf["USER"], "password": conf["PASSWORD"],
             "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{conf['USER']}:{conf['PASSWORD'] or ''}@{conf['HOST']}:{conf['PORT'] or 5432}/{name}"
    with psycopg.connect(**admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _write_files(folder, units=100, years=16):
    tree = [{"id": "MaliRoot001", "name": "Mali", "code": "ML", "level": 1},
            {"id": "RegSikasso1", "name": "Sikasso", "code": "R1", "level": 2, "parent": {"id": "MaliRoot001"}},
            {"id": "DsKadiolo01", "name": "Kadiolo", "code": "D1", "level": 3, "parent": {"id": "RegSikasso1"}}]
    tree += [{"id": f"CsCom{i:06d}", "name": f"CSCom {i}", "code": f"CS{i}", "level": 4,
              "parent": {"id": "DsKadiolo01"}} for i in range(units)]
    (folder / "units.json").write_text(json.dumps({"organisationUnits": tree}))
    with open(folder / "small.csv", "w") as out:
        out.write("dataelement,period,orgunit,catoptcombo,attroptcombo,value\n")
        out.writelines(f"{e},202401,CS{i},,,7\n" for i in range(units) for e in ELEMENTS)
    with open(folder / "big.csv", "w") as out:
        out.write("dataelement,period,orgunit,catoptcombo,attroptcombo,value\n")
        for i in range(units):
            for year in range(2026 - years, 2026):
                out.writelines(f"{e},{year}{month:02d},CS{i},,,{(i + month) % 50 + 1}\n"
                               for month in range(1, 13) for e in ELEMENTS)


def _manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=True, **kwargs)


def _state(env):
    return json.loads(_manage(env, "shell", "-c", COUNT).stdout.strip().splitlines()[-1])


def test_killing_an_import_mid_way_changes_nothing(scratch_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": scratch_database, "SECRET_KEY": "sigkill-test", "DEBUG": "False",
           "DJANGO_SETTINGS_MODULE": "pevcoach.settings", "LANGUAGE_CODE": "en"}
    _write_files(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "dhis2_import", "--org-units", str(tmp_path / "units.json"))
    _manage(env, "dhis2_import", "--data-values", str(tmp_path / "small.csv"))  # something to keep intact
    before = _state(env)
    assert before["values"] == 100 * len(ELEMENTS) and len(before["logs"]) == 2

    process = subprocess.Popen([sys.executable, "manage.py", "dhis2_import", "--data-values",
                                str(tmp_path / "big.csv"), "--progress"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stages, writing = [], threading.Event()

    def watch():  # the progress bar: "<stage> [###...]  35 %  n/total", redrawn with \r
        for chunk in iter(lambda: process.stderr.read1(4096), b""):
            for line in chunk.decode(errors="replace").split("\r"):
                if "%" in line and line.split():
                    stages.append(line.split()[0])
                    if len(set(stages)) >= 2:
                        writing.set()  # the second stage (writing) has begun: the transaction is open

    threading.Thread(target=watch, daemon=True).start()
    assert writing.wait(timeout=300), f"the import never reached its writes: {stages[-5:]}"
    assert process.poll() is None, "the import finished before it could be killed: make the file bigger"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(0.5)  # PostgreSQL notices the dropped connection and rolls its transaction back

    assert process.returncode == -signal.SIGKILL
    assert _state(env) == before
    # The same file imports normally afterwards: the kill left no lock and no half state.
    _manage(env, "dhis2_import", "--data-values", str(tmp_path / "big.csv"))
    after = _state(env)
    assert after["values"] == 100 * 12 * 16 * len(ELEMENTS) and len(after["logs"]) == 3
