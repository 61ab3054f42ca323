"""Several app servers behind a proxy, measured (issue 9). Not a test: prints one JSON line per figure.

    .venv/bin/python bench/cluster.py                      # the synthetic country of bench/national.py
    .venv/bin/python bench/cluster.py --requests 600 --concurrency 16
    .venv/bin/python bench/cluster.py --cache-url redis://127.0.0.1:6379/0   # app servers share figures

Starts the deployment of deploy/nginx.conf on this machine: two gunicorn instances (DEBUG off, the
production settings) on the PostgreSQL database of bench/national.py (`pevnational`, which must hold
the synthetic country: run bench/national.py once first) and nginx in front with the locations of
deploy/nginx-locations.conf (static files served by nginx from var/static, the rest balanced over
the two app servers). Then it sends a few hundred requests through nginx from concurrent clients —
coachees' homes and sync pulls, coaches' homes and lists, managers' dashboards and indicator values,
static files, health checks — and prints latency per kind, throughput, errors and how the requests
were shared between the app servers. Needs nginx (Debian: apt-get install -y nginx).
"""

import argparse
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="pevnational")
    parser.add_argument("--url", help="full DATABASE_URL instead of --database")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--warmup", type=int, default=60, help="requests sent first and not counted (cold workers)")
    parser.add_argument("--cache-url", default="",
                        help="the app servers' CACHE_URL, e.g. redis://127.0.0.1:6379/0 (default: their own memory)")
    return parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def nginx_config(work, port, app_ports):
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in app_ports)
    temp = "\n".join(f"    {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    return f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/access.log;
{temp}
    upstream pevcoach {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        add_header X-Upstream $upstream_addr always;   # which app server answered (not in production)
        set $pevcoach_var {ROOT}/var;
        include {ROOT}/deploy/nginx-locations.conf;
    }}
}}
"""


class Cluster:
    def __init__(self, args, env):
        self.args, self.env, self.processes = args, env, []
        self.work = Path(tempfile.mkdtemp(prefix="pev-cluster-"))
        self.app_ports = [free_port(), free_port()]
        self.port = free_port()

    def __enter__(self):
        for port in self.app_ports:
            self._start([str(ROOT / ".venv/bin/gunicorn"), "pevcoach.wsgi", "--workers", str(self.args.workers),
                         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
                        f"gunicorn-{port}")
        config = self.work / "nginx.conf"
        config.write_text(nginx_config(self.work, self.port, self.app_ports))
        self._start(["nginx", "-c", str(config), "-p", str(self.work)], "nginx")
        for port in [*self.app_ports, self.port]:
            wait_for(port)
        return self

    def _start(self, command, name):
        log = open(self.work / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes.append((subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT), log))

    def __exit__(self, *exc):
        for process, log in reversed(self.processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        shutil.rmtree(self.work, ignore_errors=True)


def prepare(env):
    """Tokens, a district and a hashed static name, read once through Django before the servers start."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q

    from pevcoach.accounts.models import User
    from pevcoach.accounts.services import issue_api_token
    from pevcoach.demo import country
    from pevcoach.orgunits.models import OrgUnit

    if not country.exists():
        sys.exit("No synthetic country in this database: run bench/national.py (or generate_country) first.")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((ROOT / "var/static/staticfiles.json").read_text())["paths"]
    coaches = list(User.objects.filter(username__startswith="synth.coach").annotate(
        n=Count("coaching_as_coach", filter=Q(coaching_as_coach__status="active"))).order_by("-n")[:4])
    coachees = list(User.objects.filter(username__startswith="synth.", coaching_as_coachee__status="active")
                    .order_by("pk")[:8])
    district = OrgUnit.objects.filter(code__startswith=f"{country.CODE_PREFIX}DS-").order_by("code").first()
    national = User.objects.get(username="synth.national")
    tokens = {u.username: issue_api_token(user=u, label="bench-cluster") for u in [*coaches, *coachees, national]}
    return {"coaches": [u.username for u in coaches], "coachees": [u.username for u in coachees],
            "manager": national.username, "tokens": tokens, "district": district, "password": country.PASSWORD,
            "static": ["/static/" + manifest[name] for name in ("front/app.css", "front/app.js")]}


def sign_in(base, username, password):
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login/")
    response = client.post("/login/", data={"username": username, "password": password,
                                            "csrfmiddlewaretoken": client.cookies.get("csrftoken")},
                           headers={"Referer": f"{base}/login/"})
    assert response.status_code == 302, (username, page.status_code, response.status_code)
    return client


def scenario(cast, base):
    """(kind, function(client_of) → response) pairs, weighted like a working day: mostly field users."""
    import httpx

    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 86400))
    district = cast["district"]
    api = httpx.Client(base_url=base, timeout=60)

    def bearer(username):
        return {"Authorization": f"Bearer {cast['tokens'][username]}"}

    steps = [
        ("coachee home (page)", 14, lambda c: c(random.choice(cast["coachees"])).get("/")),
        ("coachee sync pull (API)", 14, lambda c: api.get(f"/api/v1/sync/pull?since={since}",
                                                          headers=bearer(random.choice(cast["coachees"])))),
        ("coach home (page)", 10, lambda c: c(random.choice(cast["coaches"])).get("/")),
        ("coach coaching list (page)", 8, lambda c: c(random.choice(cast["coaches"])).get("/coaching/")),
        ("coach sync pull (API)", 8, lambda c: api.get(f"/api/v1/sync/pull?since={since}",
                                                       headers=bearer(random.choice(cast["coaches"])))),
        ("district dashboard (page)", 6, lambda c: c(cast["manager"]).get(f"/dashboards/u/{district.pk}/")),
        ("indicator values, district (API)", 8, lambda c: api.get(
            f"/api/v1/indicator-values?org_unit={district.code}&period=2025", headers=bearer(cast["manager"]))),
        ("static file (nginx)", 24, lambda c: api.get(random.choice(cast["static"]))),
        ("health check", 8, lambda c: api.get("/healthz")),
    ]
    return steps


def main():
    args = _arguments()
    if not shutil.which("nginx"):
        sys.exit("nginx is needed: apt-get install -y nginx")
    url = args.url or f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-cluster-only", "DEBUG": "False",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False",
           "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "pevcoach.settings", "PYTHONPATH": str(ROOT),
           "CACHE_URL": args.cache_url}
    cast = prepare(env)
    with Cluster(args, env) as cluster:
        base = f"http://127.0.0.1:{cluster.port}"
        sessions = {name: sign_in(base, name, cast["password"])
                    for name in [*cast["coaches"], *cast["coachees"], cast["manager"]]}
        steps = scenario(cast, base)
        kinds = [name for name, weight, _ in steps for _ in range(weight)]
        plan = [random.Random(n).choice(kinds) for n in range(args.requests)]
        by_name = {name: run for name, _, run in steps}
        for n in range(args.warmup):  # every worker imports, compiles templates and connects once
            by_name[kinds[n % len(kinds)]](lambda name: sessions[name])
        times, upstreams, errors, lock = defaultdict(list), Counter(), Counter(), threading.Lock()
        queue = list(enumerate(plan))

        def client_of(name):
            return sessions[name]

        def work():
            while True:
                with lock:
                    if not queue:
                        return
                    _n, kind = queue.pop()
                start = time.perf_counter()
                response = by_name[kind](client_of)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    times[kind].append(elapsed)
                    upstreams[response.headers.get("X-Upstream") or "nginx (static)"] += 1
                    if response.status_code != 200:
                        errors[f"{kind}: {response.status_code}"] += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        for kind, values in sorted(times.items()):
            print(json.dumps({"figure": f"cluster: {kind}", "requests": len(values),
                              "p50_ms": round(statistics.median(values), 1), "p95_ms": round(p95(values), 1)}),
                  flush=True)
        total = sum(len(v) for v in times.values())
        print(json.dumps({"figure": "cluster: all requests through nginx", "requests": total,
                          "concurrency": args.concurrency, "seconds": round(seconds, 1),
                          "requests_per_s": round(total / seconds, 1), "errors": dict(errors),
                          "answered_by": dict(upstreams), "app_servers": 2, "gunicorn_workers_each": args.workers,
                          "cpu_cores": os.cpu_count()}), flush=True)


if __name__ == "__main__":
    main()
