"""Issue 5 in real Chromium: installable, works offline, syncs once, loses nothing."""

import io
import time
import uuid

import pytest
from PIL import Image

from pevcoach.coaching.models import Action, Evidence, Goal, Relationship, Session
from pevcoach.demo.coaching import demo_id
from pevcoach.sync.models import Conflict
from tests.browser.test_login import sign_in


@pytest.fixture
def context(chromium):
    # bypass_csp: Playwright's wait_for_function evaluates its predicate with eval(), which the app's
    # Content-Security-Policy forbids (tests/browser/test_content_security_policy.py runs under it).
    ctx = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True,
                               has_touch=True, bypass_csp=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def kept_pages(page):
    return page.evaluate("caches.open('pages').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))")


def wait_until_kept(page, path, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path in kept_pages(page):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{path} was not kept for offline use: {kept_pages(page)}")


def pending(page):
    return int(page.inner_text("[data-sync-count]"))


def wait_for_pending(page, n, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pending(page) == n:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{pending(page)} changes pending, expected {n}")


def jpeg(size=(1600, 1200)):
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def online_visit(context, url, username):
    page = context.new_page()
    sign_in(page, url, username)
    page.wait_for_selector("h1")
    return page


def test_the_app_is_installable(demo_server, context):
    page = online_visit(context, demo_server.url, "agent.kadiolo")
    page.evaluate("navigator.serviceWorker.ready")
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors")


def test_a_whole_session_recorded_offline_arrives_once(demo_server, context):
    url = demo_server.url
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    record_path = f"/coaching/r/{relationship.pk}/record/"
    page = online_visit(context, url, "coach.kadiolo")
    wait_until_kept(page, record_path)
    wait_until_kept(page, "/")
    sessions_before, actions_before = Session.objects.count(), Action.objects.count()

    context.set_offline(True)
    page.goto(url + record_path)
    assert page.is_visible("#offline-banner")
    page.fill("input[name=place]", "CSCom Kadiolo-Centre, hors ligne")
    page.click("[data-next-step]")
    for stage, text in [("goal", "Abandon sous 10 %"), ("reality", "18 % d'abandon"),
                        ("options", "Relais et foire"), ("will", "Liste chaque mois")]:
        page.fill(f"textarea[name={stage}_notes]", text)
        page.click("[data-next-step]")
    page.fill("textarea[name=goal_statement]", "Réduire l'abandon Penta1-Penta3 à 10 % (hors ligne)")
    page.select_option("select[name=goal_indicator]", "DOR_P1P3")
    page.fill("input[name=goal_baseline]", "18")
    page.fill("input[name=goal_target]", "10")
    page.select_option("select[name=goal_problem]", "dropout")
    page.fill("input[name=goal_deadline]", page.evaluate("new Date(Date.now() + 80*864e5).toISOString().slice(0,10)"))
    page.fill("input[name=goal_review]", page.evaluate("new Date(Date.now() + 30*864e5).toISOString().slice(0,10)"))
    rows = page.locator("[data-action-row]")
    rows.nth(0).locator("textarea").fill("Liste des perdus de vue (hors ligne)")
    rows.nth(0).locator("input[type=file]").set_input_files(
        files=[{"name": "liste.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    rows.nth(1).locator("textarea").fill("Porte-vaccins du district (hors ligne)")
    rows.nth(1).locator("select").select_option(index=1)
    page.fill("textarea[name=summary]", "Séance enregistrée sans réseau")
    page.click("button[name=save]")
    page.wait_for_url(f"**/coaching/r/{relationship.pk}/")
    assert Session.objects.count() == sessions_before  # nothing left the phone yet

    page.close()  # close the app, reopen it, still offline
    page = context.new_page()
    page.goto(url + "/")
    wait_for_pending(page, 6)  # session, its closing, goal, two actions, one photo

    context.set_offline(False)
    wait_for_pending(page, 0)
    session = Session.objects.get(place="CSCom Kadiolo-Centre, hors ligne")
    assert session.status == "held" and session.will_notes == "Liste chaque mois"
    assert Goal.objects.filter(statement__endswith="(hors ligne)", session=session).count() == 1
    assert Action.objects.filter(session=session).count() == 2
    assert Action.objects.count() == actions_before + 2
    evidence = Evidence.objects.get(action__session=session)
    assert 0 < evidence.photo.size <= 200 * 1024


def test_replaying_with_dropped_answers_makes_no_duplicates(demo_server, context):
    url = demo_server.url
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    page = online_visit(context, url, "coach.kadiolo")
    page.wait_for_function("window.pevSync && window.pevSync.state() === 'idle'")
    dropped = []

    def drop_answer(route):
        if len(dropped) < 3:
            route.fetch()  # the server gets and applies the batch…
            dropped.append(1)
            route.abort()  # …but the phone never hears back
        else:
            route.continue_()

    page.route("**/api/v1/sync/push", drop_answer)
    sid = str(uuid.uuid4())
    page.evaluate("""([sid, rid, coachee]) => window.pevSync.enqueue([
        {kind: 'create', model: 'sessions', id: sid, data: {relationship: rid, mode: 'phone',
         scheduled_for: new Date().toISOString(), goal_notes: 'rejoué'}},
        {kind: 'create', model: 'actions', id: crypto.randomUUID(), data: {relationship: rid, session: sid,
         description: 'Action rejouée', owner: coachee,
         due_date: new Date(Date.now() + 9*864e5).toISOString().slice(0,10)}}])
    """, [sid, str(relationship.pk), relationship.coachee_id])
    for _attempt in range(4):
        page.evaluate("window.pevSync.sync('button')")
    wait_for_pending(page, 0)
    assert len(dropped) == 3
    assert Session.objects.filter(pk=sid).count() == 1
    assert Action.objects.filter(description="Action rejouée").count() == 1


def test_two_phones_edit_the_same_action_offline_and_nothing_is_lost(demo_server, chromium):
    url = demo_server.url
    action = Action.objects.get(pk=demo_id("kadiolo/action-market"))
    phones = []
    for username in ("agent.kadiolo", "coach.kadiolo"):
        ctx = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
        page = online_visit(ctx, url, username)
        wait_until_kept(page, f"/coaching/a/{action.pk}/")
        phones.append((ctx, page))
    for (ctx, page), note in zip(phones, ["Messages passés à la foire", "Fait avec le chef de village"],
                                 strict=True):
        ctx.set_offline(True)
        page.goto(f"{url}/coaching/a/{action.pk}/")
        page.fill("textarea[name=completion_note]", note)
        page.click("input[name=_complete] ~ button")
        page.wait_for_url(f"**/coaching/a/{action.pk}/")
        wait_for_pending(page, 1)
    for ctx, page in phones:
        ctx.set_offline(False)
        wait_for_pending(page, 0)
    action.refresh_from_db()
    conflict = Conflict.objects.get(object_id=action.pk)
    kept = {action.completion_note, conflict.client_value}
    assert action.status == "done"
    assert kept == {"Messages passés à la foire", "Fait avec le chef de village"}
    page = phones[1][1]
    page.goto(f"{url}/sync/conflicts/")
    assert conflict.client_value in page.inner_text("main")
    for ctx, _page in phones:
        ctx.close()


def test_cached_home_opens_offline_fast_on_slow_3g(demo_server, context):
    page = online_visit(context, demo_server.url, "agent.kadiolo")
    wait_until_kept(page, "/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                  "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8})
    context.set_offline(True)
    started = time.perf_counter()
    page.goto(demo_server.url + "/", wait_until="load")
    elapsed = time.perf_counter() - started
    print(f"cached home, offline on emulated slow 3G: {elapsed * 1000:.0f} ms")
    assert "Bonjour" in page.inner_text("h1")
    assert elapsed < 1.0


def enqueue_note(page, relationship, text):
    page.evaluate("""([rid, text]) => window.pevSync.enqueue([{kind: 'create', model: 'sessions',
        id: crypto.randomUUID(), data: {relationship: rid, mode: 'phone', scheduled_for: new Date().toISOString(),
        goal_notes: text}}])""", [str(relationship.pk), text])


def test_the_outbox_survives_closing_the_browser_and_an_expired_sign_in(demo_server, chromium, tmp_path):
    from tests.browser.conftest import CHROMIUM

    url = demo_server.url
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    profile = str(tmp_path / "profile")

    def open_browser():
        return chromium.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"],
            viewport={"width": 360, "height": 740}, locale="fr-FR", bypass_csp=True)

    ctx = open_browser()
    page = ctx.new_page()
    sign_in(page, url, "coach.kadiolo")
    page.wait_for_function("window.pevSync && window.pevSync.state() === 'idle'")
    ctx.set_offline(True)
    enqueue_note(page, relationship, "gardé pendant des semaines")
    wait_for_pending(page, 1)
    ctx.close()  # the whole browser goes away

    ctx = open_browser()
    ctx.clear_cookies()  # weeks later: the sign-in has expired
    page = ctx.new_page()
    page.goto(url + "/")  # lands on the sign-in page: the outbox must not be touched
    assert "/login/" in page.url
    sign_in(page, url, "coach.kadiolo")
    page.wait_for_selector("h1")
    # The count starts at 0 in the server-rendered page before the outbox is read,
    # so wait on the outbox itself, then on the server.
    page.wait_for_function("window.pevSync && window.pevSync.pending().then(function (l) { return l.length === 0; })",
                           timeout=20_000)
    deadline = time.monotonic() + 20
    while not Session.objects.filter(goal_notes="gardé pendant des semaines").exists() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert Session.objects.filter(goal_notes="gardé pendant des semaines").count() == 1
    ctx.close()


def test_signing_out_warns_about_unsent_changes_then_wipes_the_phone(demo_server, context):
    url = demo_server.url
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    page = online_visit(context, url, "coach.kadiolo")
    wait_until_kept(page, "/")
    context.set_offline(True)
    enqueue_note(page, relationship, "pas encore envoyé")
    wait_for_pending(page, 1)
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("form[data-logout] button")
    page.wait_for_timeout(500)
    assert messages and "1" in messages[0]
    assert pending(page) == 1  # still signed in, nothing lost
    context.set_offline(False)
    wait_for_pending(page, 0)
    page.click("form[data-logout] button")
    page.wait_for_url("**/login/")
    assert page.evaluate("caches.keys()").count("pages") == 0
    left = page.evaluate("""new Promise(r => { const o = indexedDB.open('pevcoach'); o.onsuccess = () => {
        const t = o.result.transaction('records'); const q = t.objectStore('records').count();
        q.onsuccess = () => r(q.result); }; })""")
    assert left == 0


def test_a_batch_too_large_is_halved_until_it_goes_through(demo_server, context, settings):
    settings.SYNC_MAX_BYTES = 1200  # a few changes per batch at most
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    page = online_visit(context, demo_server.url, "coach.kadiolo")
    page.wait_for_function("window.pevSync && window.pevSync.state() === 'idle'")
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/sync/push") else None)
    context.set_offline(True)
    for n in range(8):
        enqueue_note(page, relationship, f"lot {n} " + "x" * 150)
    context.set_offline(False)
    wait_for_pending(page, 0)
    assert 413 in statuses and statuses[-1] == 200
    assert Session.objects.filter(goal_notes__startswith="lot ").count() == 8
