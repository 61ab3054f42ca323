"""Measure what PEV Coach costs a phone on the wire (issue 5, "Light"). Prints one JSON line per figure.

Runs the app as in production (DEBUG off, collectstatic, gunicorn, WhiteNoise compression) on a
throwaway SQLite database with the demo, puts a byte-counting TCP proxy in front of it, and drives
Debian's Chromium through it. Budgets: first visit of the coachee home ≤ 100 KB (JS ≤ 40 KB), each
later page ≤ 15 KB, whole offline install ≤ 300 KB, a recorded session syncs in ≤ 3 KB.

    .venv/bin/python bench/offline_budget.py
"""

import asyncio
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BUDGETS = {"first_visit_home": 100_000, "first_visit_js": 40_000, "later_page_max": 15_000,
           "offline_install": 300_000, "session_sync": 3_000}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingProxy:
    """A TCP proxy that counts every byte both ways: what a phone's data plan pays for."""

    def __init__(self, target_port):
        self.target_port, self.port, self.bytes = target_port, free_port(), 0
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result()

    async def _start(self):
        await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                self.bytes += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    def take(self):
        time.sleep(0.3)  # let the last bytes through
        value, self.bytes = self.bytes, 0
        return value


def report(name, value, budget=None):
    line = {"figure": name, "bytes": value}
    if budget:
        line.update(budget=budget, ok=value <= budget)
    print(json.dumps(line), flush=True)
    return value


def main():
    work = Path(tempfile.mkdtemp(prefix="pev-budget-"))
    port = free_port()
    env = {**os.environ, "DEBUG": "False", "SECRET_KEY": "budget-only", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False", "SECURE_HSTS_SECONDS": "0",
           "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}"}
    manage = [PYTHON, "manage.py"]
    for args in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "pevcoach.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        proxy = CountingProxy(port)
        measure(f"http://127.0.0.1:{proxy.port}", proxy)
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


def js_size():
    """Compressed size of the JavaScript every page loads, as WhiteNoise serves it (gzip)."""
    total = 0
    for name in ("front/app.js", "front/photo.js", "sync/sync.js"):
        raw = (ROOT / "pevcoach" / name.split("/")[0] / "static" / name).read_bytes()
        total += len(gzip.compress(raw, 9))
    return total


def measure(url, proxy):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-background-networking",
                                                                      "--disable-component-update"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
        page = context.new_page()
        proxy.take()
        page.goto(url + "/login/")
        page.fill("input[name=username]", "agent.kadiolo")
        page.fill("input[name=password]", "demo1234")
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit]")
        # The page, its styles, scripts and icons; the offline install that follows is counted below.
        report("first_visit_home", proxy.bytes, BUDGETS["first_visit_home"])
        report("first_visit_js", js_size(), BUDGETS["first_visit_js"])
        page.wait_for_function("window.pevSync && window.pevSync.state() === 'idle'", timeout=30_000)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            kept = page.evaluate("caches.open('pages').then(c => c.keys()).then(k => k.length)")
            page.wait_for_timeout(1000)
            if kept == page.evaluate("caches.open('pages').then(c => c.keys()).then(k => k.length)") and kept > 3:
                break
        report("offline_install", proxy.take(), BUDGETS["offline_install"])  # includes the first visit
        print(json.dumps({"figure": "offline_pages_kept", "pages": kept}), flush=True)

        later = []
        for path in ("/coaching/", "/coaching/actions/", "/profile/", "/"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            later.append(report(f"later_page {path}", proxy.take()))
        report("later_page_max", max(later), BUDGETS["later_page_max"])

        sizes = []
        page.on("requestfinished", lambda request: sizes.append(request.sizes()) if "/api/v1/sync/" in request.url
                else None)
        relationship = page.evaluate("fetch('/api/v1/relationships', {credentials: 'same-origin'})"
                                     ".then(r => r.json()).then(r => [r[0].id, r[0].coachee])")
        page.evaluate("""([rid, coachee]) => window.pevSync.enqueue([
          {kind: 'create', model: 'sessions', id: crypto.randomUUID(), data: {relationship: rid, mode: 'in_person',
           scheduled_for: new Date().toISOString(), place: 'CSCom Kadiolo-Centre',
           goal_notes: "Ramener l'abandon Penta1-Penta3 sous 10 % d'ici trois mois.",
           reality_notes: "Abandon à 18 % ; deux villages non visités en stratégie avancée le mois dernier.",
           options_notes: "Liste des perdus de vue pour les relais ; reprogrammer la stratégie avancée.",
           will_notes: "Le vaccinateur fait la liste chaque fin de mois ; le coach apporte deux porte-vaccins."}}])
        """, relationship)
        page.evaluate("window.pevSync.sync('button')")
        page.wait_for_function("window.pevSync.state() === 'idle'")
        page.wait_for_timeout(500)
        wire = sum(s["requestHeadersSize"] + s["requestBodySize"] + s["responseHeadersSize"] + s["responseBodySize"]
                   for s in sizes)
        report("session_sync", wire, BUDGETS["session_sync"])
        browser.close()


if __name__ == "__main__":
    main()
