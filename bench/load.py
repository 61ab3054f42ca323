"""Load test: 50 concurrent users mixing coach and coachee journeys for 60 s (issue 8, "Load").

Builds a throw-away PostgreSQL database `<name>_load` next to the one of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/pevload), migrates it and loads the demo, serves the app as in
production (DEBUG off, collectstatic, gunicorn with several workers), runs locust headless
(bench/locustfile.py) and prints its figures as JSON lines. Exits non-zero when a request failed
or the 95th percentile is over 300 ms. A benchmark, not a test: run it by hand.

Each virtual user gets its own session and API token before the run (the sessions of people signed in
earlier in the day): a sign-in costs an Argon2 hash on purpose, and 50 of them in the first seconds
would measure the hash, not the app. The cost of one sign-in is printed apart (figure "sign_in").

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 4]
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUDGET_P95_MS = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_load"
    admin = {"host": parts.hostname, "port": parts.port or 5432, "user": parts.username,
             "password": parts.password, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path="/" + name).geturl()


def run(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


SIGN_IN = """
import json, sys
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from pevcoach.accounts.models import User
from pevcoach.accounts.services import issue_api_token
people = {}
for username in ("coach.kadiolo", "coach.bougouni", "agent.kadiolo", "agent.bougouni"):
    user = User.objects.get(username=username)
    for n in range(int(sys.argv[-1])):
        session = SessionStore()
        session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                        HASH_SESSION_KEY: user.get_session_auth_hash(), "pev_login_at": timezone.now().timestamp()})
        session.create()
        people.setdefault(username, []).append({"session": session.session_key,
                                                "token": issue_api_token(user=user, label="load")})
print(json.dumps(people))
"""


def sign_in_many(env, per_account):
    """Open sessions and tokens for the virtual users (as many sign-ins would), outside the measure."""
    script = SIGN_IN.replace("sys.argv[-1]", str(per_account))
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def login_figure(host, count=10):
    """Seconds of one real sign-in (web form, Argon2 check), one after the other: the cost set apart."""
    import http.cookiejar
    import re

    times = []
    for _ in range(count):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(host + "/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": "agent.kadiolo", "password": "demo1234",
                                       "csrfmiddlewaretoken": token}).encode()
        start = time.monotonic()
        opener.open(urllib.request.Request(host + "/login/", data=body, headers={"Referer": host + "/login/"}))  # noqa: S310 - http://127.0.0.1 only
        times.append(time.monotonic() - start)
    times.sort()
    return {"figure": "sign_in", "count": count, "p50_ms": round(1000 * times[len(times) // 2]),
            "max_ms": round(1000 * times[-1])}


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own local server
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer at {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    database = fresh_database(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pevload"))
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "load-test-only-" + "x" * 40, "DEBUG": "False",
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False",
           "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "LOGIN_FAILURE_LIMIT": "1000"}
    run(env, "migrate", "--noinput", "-v0")
    run(env, "load_demo")
    run(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "gunicorn"), "pevcoach.wsgi", "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        wait_for(host + "/healthz")
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "load"
            people = Path(tmp) / "people.json"
            people.write_text(sign_in_many(env, per_account=max(1, args.users // 4)))
            env["PEV_LOAD_USERS"] = str(people)
            subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                            "--users", str(args.users), "--spawn-rate", str(max(1, args.users // 5)),
                            "--run-time", f"{args.seconds}s", "--host", host, "--csv", str(prefix),
                            "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                           cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
                rows = list(csv.DictReader(stats))
        sign_in = login_figure(host)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ok = True
    for row in rows:
        line = {"name": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]), "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0), "max_ms": float(row["Max Response Time"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 1)}
        if row["Name"] == "Aggregated":
            line = {"figure": "load", "users": args.users, "seconds": args.seconds, "workers": args.workers,
                    **line, "budget_p95_ms": BUDGET_P95_MS}
            ok = line["failures"] == 0 and line["p95_ms"] <= BUDGET_P95_MS
            line["ok"] = ok
        print(json.dumps(line, ensure_ascii=False))  # noqa: T201
    print(json.dumps(sign_in))  # noqa: T201
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
