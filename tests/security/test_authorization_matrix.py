"""The authorization matrix: every page and endpoint × every role × records at four places.

Routes come from the URL configuration (pages) and the OpenAPI document (API), so a new page or
endpoint fails `test_every_route_has_a_rule` until it gets a line in RULES, the one table of what
each role may read and write. Then `test_the_matrix` requests each route as each role, for the
records of each place (tests/security/conftest.py), and checks:

- a read outside the rule is refused (401/403/404/405 or a redirect to sign in);
- a write outside the rule changes nothing in the database;
- whatever the answer, it holds no text (MARK-<place>-…) nor id of a record the role may not see,
  no coachee's rating text (RATING-…) but to its author, no one's notification (NOTE-…) but to its
  recipient;
- what the rule allows is not refused.

Every request runs in a savepoint rolled back after it, so each one meets the same world.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from pevcoach.accounts.services import issue_api_token
from pevcoach.api.api import api
from tests.factories import PASSWORD

ROLES = ("coachee", "coach", "dmanager", "dadmin", "rmanager", "superuser", "anonymous")
SIGNED_IN = ROLES[:-1]
ALL = {"own", "sibling", "other", "parent"}
DISTRICT = {"own", "sibling"}


# --- Policies: who may, for a record at a place (pos) or for a page without a record (pos None) ----

def where(**places_by_role):
    return lambda role, pos: pos in places_by_role.get(role, ())


def who(*roles):
    return lambda role, pos: role in roles


ANYONE = who(*ROLES)
ANY_SIGNED_IN = who(*SIGNED_IN)
NOBODY = who()
OVERSEERS = who("dmanager", "dadmin", "rmanager", "superuser")
ADMINS = who("dadmin", "rmanager", "superuser")
# Coaching records: the pair sees its own; managers and admins their subtree; superusers all.
SCOPE = where(coachee={"own"}, coach={"own"}, dmanager=DISTRICT, dadmin=DISTRICT, rmanager=ALL, superuser=ALL)
PARTY = where(coachee={"own"}, coach={"own"})
COACH_SIDE = where(coach={"own"})
OVERSEE = where(dmanager=DISTRICT, dadmin=DISTRICT, rmanager=ALL, superuser=ALL)
ADMINISTER = where(dadmin=DISTRICT, rmanager=ALL, superuser=ALL)
OWN_PERSON = where(coachee={"own"})  # one's own notification, one's own device
ABOVE_FACILITY = where(rmanager={"parent"}, superuser={"parent"})  # area pages of a unit above centres

# What each role may see of the coaching records of each place (for the leak search).
SEES = {role: {pos for pos in ALL if SCOPE(role, pos)} for role in ROLES}


@dataclass
class Rule:
    get: object = None  # policy for GET (None: the route is not read with GET)
    post: object = None  # policy for the write (None: not written in the matrix)
    obj: str | None = None  # kind of record named by the URL's parameter(s)
    params: dict = field(default_factory=dict)  # fixed values of other URL parameters
    query: object = None  # f(place records) -> query string
    data: object = None  # f(place records, world) -> form data or JSON body
    method: str = "post"


def day(n=20):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def goal_form(p, w):
    return {"kind": "indicator", "statement": "Réduire l'abandon", "indicator": "DOR_P1P3", "baseline_value": "18",
            "target_value": "10", "source": "DHIS2", "problem": "dropout", "start_date": timezone.localdate(),
            "deadline": day(90), "review_dates": day(30)}


def checklist_form(p, w):
    from pevcoach.coaching.models import ChecklistItem

    return {f"item_{i.pk}": "no" for i in ChecklistItem.objects.filter(section__template=p["checklist"].template)}


def answers(p, w):
    return {"answers": [{"item": a.item_id, "score": "no"} for a in p["checklist"].answers.all()]}


# --- THE TABLE: every page (URL configuration) and every endpoint (OpenAPI), with its rule ----------------

RULES = {
    # front, offline shell, health
    "": Rule(get=ANY_SIGNED_IN),
    "healthz": Rule(get=ANYONE),
    "sw.js": Rule(get=ANYONE),
    "manifest.webmanifest": Rule(get=ANYONE),
    "offline/": Rule(get=ANYONE),
    "sync/conflicts/": Rule(get=ANY_SIGNED_IN),
    "sync/conflicts/<uuid:pk>/": Rule(get=NOBODY, post=PARTY, obj="conflict", data=lambda p, w: {"keep": "mine"}),
    # accounts
    "login/": Rule(get=ANYONE),
    "login/code/": Rule(get=NOBODY),  # only halfway through a sign-in; otherwise back to the login page
    "logout/": Rule(get=NOBODY),  # POST only; signing out is not a scoped write
    "register/": Rule(get=ANYONE),
    "language/": Rule(get=NOBODY),  # POST only: one's own language
    "profile/": Rule(get=ANY_SIGNED_IN),
    "profile/password/": Rule(get=ANY_SIGNED_IN),
    "profile/export/": Rule(get=ANY_SIGNED_IN),
    "profile/two-step/": Rule(get=OVERSEERS),
    "profile/tokens/<int:pk>/revoke/": Rule(get=NOBODY, post=OWN_PERSON, obj="token"),
    "people/": Rule(get=OVERSEERS),
    "people/import/": Rule(get=ADMINS),
    "people/invitations/": Rule(get=ADMINS),
    "people/<int:pk>/": Rule(get=OVERSEE, obj="person"),
    "people/<int:pk>/edit/": Rule(get=ADMINISTER, post=ADMINISTER, obj="person", data=lambda p, w: {
        "first_name": "Awa", "last_name": "Diarra", "phone": "", "email": "", "job_title": "vaccinateur",
        "language": "fr", "org_unit": p["unit"].pk, "roles": ["coachee"]}),  # is_active left out: disables
    "people/<int:pk>/password/": Rule(get=ADMINISTER, post=ADMINISTER, obj="person", data=lambda p, w: {
        "new_password1": "Another-pass-77", "new_password2": "Another-pass-77"}),
    "people/<int:pk>/export/": Rule(get=ADMINISTER, obj="person"),
    "people/<int:pk>/registration/": Rule(get=NOBODY, post=ADMINISTER, obj="pending",
                                          data=lambda p, w: {"decision": "approve"}),
    # org units
    "units/": Rule(get=ANY_SIGNED_IN),
    "units/<int:pk>/": Rule(get=SCOPE, obj="unit"),
    "units/<int:pk>/edit/": Rule(get=ADMINISTER, post=ADMINISTER, obj="unit",
                                 data=lambda p, w: {"name": "Renamed", "code": p["unit"].code}),
    "units/<int:parent_pk>/new/": Rule(get=ABOVE_FACILITY, post=ABOVE_FACILITY, obj="unit",
                                       data=lambda p, w: {"name": "New district", "code": "NEW-1"}),
    # coaching
    "coaching/": Rule(get=ANY_SIGNED_IN),
    "coaching/new/": Rule(get=who("coach", "coachee"), post=who("coach", "coachee"), data=lambda p, w: {
        "partner": w["places"]["sibling"]["coachee"].pk, "aims": "Aims", "rhythm": "Monthly"}),
    "coaching/practice/": Rule(get=who("coach", "dadmin", "rmanager", "superuser")),
    "coaching/actions/": Rule(get=ANY_SIGNED_IN),
    "coaching/ratings/": Rule(get=who("coach")),
    "coaching/r/<uuid:pk>/": Rule(get=SCOPE, obj="relationship"),
    "coaching/r/<uuid:pk>/decision/": Rule(get=NOBODY, post=PARTY, obj="relationship",
                                           data=lambda p, w: {"decision": "paused"}),
    "coaching/r/<uuid:pk>/sessions/new/": Rule(get=SCOPE, post=PARTY, obj="relationship", data=lambda p, w: {
        "scheduled_for": (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone", "place": ""}),
    "coaching/r/<uuid:pk>/record/": Rule(get=PARTY, obj="relationship"),
    "coaching/r/<uuid:pk>/goals/new/": Rule(get=SCOPE, post=PARTY, obj="relationship", data=goal_form),
    "coaching/r/<uuid:pk>/actions/new/": Rule(get=SCOPE, post=PARTY, obj="relationship", data=lambda p, w: {
        "description": "Do it", "owner": p["coachee"].pk, "due_date": day()}),
    "coaching/r/<uuid:pk>/feedback/": Rule(get=PARTY, post=PARTY, obj="relationship", data=lambda p, w: {
        "what_works": "Good", "session_useful": 4, "listened_to": 4, "support_received": 4}),
    "coaching/r/<uuid:pk>/follow-up/": Rule(get=COACH_SIDE, post=COACH_SIDE, obj="relationship",
                                            data=lambda p, w: {"note": "Called"}),
    "coaching/s/<uuid:pk>/": Rule(get=SCOPE, obj="session"),
    "coaching/s/<uuid:pk>/finish/": Rule(get=SCOPE, post=PARTY, obj="session",
                                         data=lambda p, w: {"summary": "Done"}),
    "coaching/s/<uuid:pk>/confirm/": Rule(get=NOBODY, post=PARTY, obj="session"),
    "coaching/s/<uuid:pk>/not-held/": Rule(get=NOBODY, post=PARTY, obj="session",
                                           data=lambda p, w: {"status": "missed", "reason": "Rain"}),
    "coaching/s/<uuid:pk>/checklist/": Rule(get=SCOPE, post=COACH_SIDE, obj="session", data=checklist_form),
    "coaching/s/<uuid:pk>/<str:stage>/": Rule(get=SCOPE, post=PARTY, obj="session", params={"stage": "reality"},
                                              data=lambda p, w: {"notes": "Noted"}),
    "coaching/c/<uuid:pk>/": Rule(get=SCOPE, obj="checklist"),
    "coaching/g/<uuid:pk>/": Rule(get=SCOPE, obj="goal"),
    "coaching/g/<uuid:pk>/status/": Rule(get=NOBODY, post=PARTY, obj="goal",
                                         data=lambda p, w: {"status": "achieved"}),
    "coaching/a/<uuid:pk>/": Rule(get=SCOPE, post=PARTY, obj="action",
                                  data=lambda p, w: {"_complete": "1", "completion_note": "Done"}),
    "coaching/a/<uuid:pk>/decide/": Rule(get=NOBODY, post=PARTY, obj="action", data=lambda p, w: {
        "decision": "drop", "description": "x", "due_date": day()}),
    "coaching/e/<uuid:pk>/review/": Rule(get=NOBODY, post=PARTY, obj="evidence",
                                         data=lambda p, w: {"decision": "accept"}),
    "coaching/e/<uuid:pk>/photo/": Rule(get=SCOPE, obj="evidence"),
    # indicators
    "indicators/imports/": Rule(get=ADMINS),
    "indicators/imports/<int:pk>/": Rule(get=ADMINISTER, obj="import_log"),
    # dashboards and exports
    "dashboards/": Rule(get=OVERSEERS),
    "dashboards/u/<int:pk>/": Rule(get=SCOPE, obj="unit"),
    "dashboards/u/<int:pk>/map/": Rule(get=OVERSEE, obj="unit"),
    "dashboards/u/<int:pk>/impact/": Rule(get=OVERSEE, obj="unit"),
    "dashboards/u/<int:pk>/report.pdf": Rule(get=ABOVE_FACILITY, obj="unit"),
    "dashboards/s/<uuid:pk>/report.pdf": Rule(get=SCOPE, obj="session"),
    "dashboards/exports/": Rule(get=ANY_SIGNED_IN),
    "dashboards/exports/<slug:kind>.<slug:fmt>": Rule(get=SCOPE, obj="unit", params={"kind": "actions", "fmt": "csv"},
                                                      query=lambda p: f"unit={p['unit'].pk}"),
    # audit trail
    "audit/": Rule(get=ADMINS),
    # notifications
    "notifications/": Rule(get=ANY_SIGNED_IN),
    "notifications/read-all/": Rule(get=NOBODY),
    "notifications/preferences/": Rule(get=ANY_SIGNED_IN),
    "n/<str:code>": Rule(get=OWN_PERSON, obj="notification"),
    # API (paths of the OpenAPI document)
    "POST /api/v1/auth/token": Rule(post=ANYONE, data=lambda p, w: {"username": "coach", "password": PASSWORD}),
    "GET /api/v1/me": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/org-units": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/org-units/{unit_id}": Rule(get=SCOPE, obj="unit"),
    "GET /api/v1/relationships": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/relationships": Rule(obj="relationship", post=PARTY, data=lambda p, w: {
        "coach": p["coach"].pk, "coachee": p["coachee"].pk, "aims": "Again", "rhythm": "Weekly"}),
    "GET /api/v1/relationships/{pk}": Rule(get=SCOPE, obj="relationship"),
    "PATCH /api/v1/relationships/{pk}": Rule(post=PARTY, obj="relationship", method="patch",
                                             data=lambda p, w: {"status": "paused"}),
    "PUT /api/v1/relationships/{pk}": Rule(post=PARTY, obj="relationship", method="put",
                                           data=lambda p, w: {"status": "closed"}),
    "GET /api/v1/sessions": Rule(get=ANY_SIGNED_IN, obj="relationship",
                                 query=lambda p: f"relationship={p['relationship'].pk}"),
    "POST /api/v1/sessions": Rule(obj="relationship", post=PARTY, data=lambda p, w: {
        "relationship": str(p["relationship"].pk), "scheduled_for": (timezone.now() + datetime.timedelta(days=2))
        .isoformat(), "mode": "video"}),
    "GET /api/v1/sessions/{pk}": Rule(get=SCOPE, obj="session"),
    "PATCH /api/v1/sessions/{pk}": Rule(post=PARTY, obj="session", method="patch", data=lambda p, w: {"place": "X"}),
    "PUT /api/v1/sessions/{pk}": Rule(post=PARTY, obj="session", method="put", data=lambda p, w: {"place": "Y"}),
    "GET /api/v1/goals": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/goals": Rule(obj="relationship", post=PARTY, data=lambda p, w: {
        "relationship": str(p["relationship"].pk), "statement": "Reach 90", "indicator": "COV_PENTA3", "kind":
        "indicator", "baseline_value": "70", "target_value": "90", "source": "DHIS2", "problem": "other",
        "deadline": day(90), "review_dates": [day(30)]}),
    "GET /api/v1/goals/{pk}": Rule(get=SCOPE, obj="goal"),
    "PATCH /api/v1/goals/{pk}": Rule(post=PARTY, obj="goal", method="patch", data=lambda p, w: {"status": "dropped"}),
    "PUT /api/v1/goals/{pk}": Rule(post=PARTY, obj="goal", method="put", data=lambda p, w: {"status": "achieved"}),
    "GET /api/v1/actions": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/actions": Rule(obj="relationship", post=PARTY, data=lambda p, w: {
        "relationship": str(p["relationship"].pk), "description": "More", "owner": p["coachee"].pk,
        "due_date": day()}),
    "GET /api/v1/actions/{pk}": Rule(get=SCOPE, obj="action"),
    "PATCH /api/v1/actions/{pk}": Rule(post=PARTY, obj="action", method="patch", data=lambda p, w: {"status": "done"}),
    "PUT /api/v1/actions/{pk}": Rule(post=PARTY, obj="action", method="put", data=lambda p, w: {"status": "dropped"}),
    "GET /api/v1/evidence": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/evidence": Rule(obj="action", post=PARTY,
                                  data=lambda p, w: {"action": str(p["action"].pk), "note": "Seen"}),
    "GET /api/v1/evidence/{pk}": Rule(get=SCOPE, obj="evidence"),
    "GET /api/v1/evidence/{pk}/photo": Rule(get=SCOPE, obj="evidence"),
    "PATCH /api/v1/evidence/{pk}": Rule(post=PARTY, obj="evidence", method="patch",
                                        data=lambda p, w: {"review": "accepted"}),
    "PUT /api/v1/evidence/{pk}": Rule(post=PARTY, obj="evidence", method="put",
                                      data=lambda p, w: {"review": "returned", "review_comment": "Blurred"}),
    "GET /api/v1/feedback": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/feedback": Rule(obj="relationship", post=PARTY, data=lambda p, w: {
        "relationship": str(p["relationship"].pk), "what_works": "Listening", "session_useful": 5,
        "listened_to": 5, "support_received": 5}),
    "GET /api/v1/feedback/{pk}": Rule(get=SCOPE, obj="feedback"),
    "PATCH /api/v1/feedback/{pk}": Rule(post=COACH_SIDE, obj="feedback", method="patch",
                                        data=lambda p, w: {"what_works": "Edited"}),
    "PUT /api/v1/feedback/{pk}": Rule(post=COACH_SIDE, obj="feedback", method="put",
                                      data=lambda p, w: {"to_improve": "Edited"}),
    "GET /api/v1/checklists": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/checklists": Rule(obj="relationship", post=COACH_SIDE, data=lambda p, w: {
        "relationship": str(p["relationship"].pk), "template": p["checklist"].template_id} | answers(p, w)),
    "GET /api/v1/checklists/{pk}": Rule(get=SCOPE, obj="checklist"),
    "PATCH /api/v1/checklists/{pk}": Rule(post=COACH_SIDE, obj="checklist", method="patch", data=answers),
    "PUT /api/v1/checklists/{pk}": Rule(post=COACH_SIDE, obj="checklist", method="put", data=answers),
    "GET /api/v1/checklist-templates": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/questions": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/sync/push": Rule(obj="action", post=PARTY, data=lambda p, w: {"changes": [
        {"op": "8d5e1f4a-0000-4000-8000-000000000001", "kind": "update", "model": "actions",
         "id": str(p["action"].pk), "data": {"status": "done"}, "base": {"status": "open"}},
        {"op": "8d5e1f4a-0000-4000-8000-000000000002", "kind": "create", "model": "actions",
         "id": "8d5e1f4a-0000-4000-8000-0000000000a2", "data": {
             "relationship": str(p["relationship"].pk), "description": "Offline", "owner": p["coachee"].pk,
             "due_date": day()}}]}),
    "GET /api/v1/sync/pull": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/sync/pages": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/sync/conflicts": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/sync/conflicts/{pk}": Rule(post=PARTY, obj="conflict", data=lambda p, w: {"keep": "mine"}),
    "GET /api/v1/indicators": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/indicator-values": Rule(get=SCOPE, obj="unit",
                                         query=lambda p: f"org_unit={p['unit'].code}&period=2025"),
    "GET /api/v1/indicator-series": Rule(get=SCOPE, obj="unit",
                                         query=lambda p: f"org_unit={p['unit'].code}&indicator=COV_PENTA3"),
    "GET /api/v1/notifications": Rule(get=ANY_SIGNED_IN),
    "GET /api/v1/notifications/unread-count": Rule(get=ANY_SIGNED_IN),
    "POST /api/v1/notifications/read-all": Rule(post=ANY_SIGNED_IN, data=lambda p, w: {}),
    "POST /api/v1/notifications/{pk}/read": Rule(post=OWN_PERSON, obj="notification", data=lambda p, w: {}),
}

# Routes served by other means, or classified by their prefix while they are still in flux.
PREFIX_RULES = {
    "admin/": "the Django admin: superusers only; checked by test_the_admin_site_is_for_superusers_only",
    "api/v1/": "the API: each operation of the OpenAPI document has its own line above",
    "static/": "static files (no data)",
    "media/": "served in DEBUG only",
}
# Pages of the API that are not operations: its documentation.
API_PAGES = {"api/v1/openapi.json": ANYONE, "api/v1/docs": ANYONE}


# --- Reading the routes ---------------------------------------------------------------------------------------

def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route.lstrip("^").rstrip("$").replace("\\Z", "")


def page_routes():
    return sorted(set(_walk(get_resolver().url_patterns)))


def api_operations():
    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops)


def _classified(route):
    return route in RULES or route in API_PAGES or any(route.startswith(p) for p in PREFIX_RULES)


def test_every_route_has_a_rule():
    missing = [r for r in page_routes() if not _classified(r)] + [op for op in api_operations() if op not in RULES]
    assert not missing, ("Routes without a rule in RULES (tests/security/test_authorization_matrix.py): say who may "
                         "read and write each one:\n  " + "\n  ".join(missing))


def test_the_table_names_no_route_that_is_gone():
    known = set(page_routes()) | set(api_operations())
    stale = [key for key in RULES if key not in known]
    assert not stale, f"Rules for routes that no longer exist: {stale}"


# --- Requests -----------------------------------------------------------------------------------------------------

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")
DENIED_READ = {401, 403, 404, 405}


def _url(route, rule, place):
    def value(match):
        name = match.group(1) or match.group(2)
        if name in rule.params:
            return str(rule.params[name])
        record = place[rule.obj]
        return str(record.code if name == "code" else record.pk)

    path = PARAM.sub(value, route.split(" ", 1)[-1])
    path = path if path.startswith("/") else "/" + path
    query = rule.query(place) if rule.query else ""
    return path + ("?" + query if query else "")


def _fingerprint():
    """Everything the app writes, but what records refusals too: the audit trail, sync's replay log."""
    rows = []
    for label in ("accounts", "coaching", "sync", "notifications", "orgunits", "indicators"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label == "sync.Operation":
                continue
            names = [f.attname for f in model._meta.concrete_fields if f.name not in ("last_login", "last_used_at")]
            rows.append((model._meta.label, list(model._base_manager.order_by("pk").values_list(*names))))
    return rows


class World:
    def __init__(self, world):
        self.places = world["places"]
        self.raw = world
        self.clients, self.tokens = {}, {}
        for role, user in world["roles"].items():
            client = Client()
            if user is not None:
                client.force_login(user)
                self.tokens[role] = issue_api_token(user=user, label="matrix")
            self.clients[role] = client

    def forbidden_texts(self, role):
        """Texts and ids that must never reach `role`."""
        texts = []
        for pos, place in self.places.items():
            if pos not in SEES[role]:
                texts.append(f"MARK-{pos}-")
                texts += [str(place[k].pk) for k in ("relationship", "session", "goal", "action", "evidence",
                                                       "feedback", "checklist", "conflict")]
            if not (role == "coachee" and pos == "own"):
                texts += [f"RATING-{pos}"]
                if role != "superuser":  # the Django admin lists every notification to a superuser
                    texts += [f"NOTE-{pos}"]
        return texts

    def call(self, role, method, url, data=None, api_call=False):
        client = self.clients[role]
        extra = {}
        if api_call and role in self.tokens:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[role]}"
        if method == "get":
            return client.get(url, **extra)
        if api_call:
            return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json", **extra)
        return client.post(url, data=data or {}, **extra)


def _to_login(response):
    return response.status_code in (301, 302) and "/login/" in response.get("Location", "")


def _check(w, failures, role, label, response, *, allowed, write, changed=None):
    status = response.status_code
    where_ = f"{label} as {role}: {status}"
    if status >= 500:
        failures.append(f"{where_} server error")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    leaks = [t for t in w.forbidden_texts(role) if t in text]
    if leaks:
        failures.append(f"{where_} LEAK {leaks[:5]}")
    refused = status in DENIED_READ or _to_login(response)
    if write:
        if allowed and refused:
            failures.append(f"{where_} refused a write the rule allows")
        if not allowed and changed:
            failures.append(f"{where_} WRITE OUTSIDE SCOPE changed {changed}")
    elif allowed and not refused and status >= 400:
        failures.append(f"{where_} failed a read the rule allows")
    elif allowed and refused:
        failures.append(f"{where_} refused a read the rule allows")
    elif not allowed and not refused:
        failures.append(f"{where_} READ OUTSIDE SCOPE")


def _run(w, failures, role, label, rule, route, pos, *, write):
    place = w.places[pos] if pos else w.places["own"]
    url = _url(route, rule, place)
    api_call = route.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE "))
    policy = rule.post if write else rule.get
    allowed = policy(role, pos)
    with transaction.atomic():
        before = _fingerprint() if write and not allowed else None
        data = rule.data(place, w.raw) if (write and rule.data) else None
        response = w.call(role, rule.method if write else "get", url, data, api_call)
        changed = None
        if before is not None:
            after = _fingerprint()
            changed = [b[0] for b, a in zip(before, after, strict=True) if b != a]
        transaction.set_rollback(True)
    _check(w, failures, role, f"{'WRITE' if write else 'GET'} {url} [{pos}]", response, allowed=allowed,
           write=write, changed=changed)


@pytest.mark.matrix
def test_the_matrix(world):
    w = World(world)
    failures = []
    routes = [r for r in page_routes() if r in RULES] + [op for op in api_operations() if op in RULES]
    for route in routes:
        rule = RULES[route]
        places = sorted(ALL) if rule.obj else [None]
        for role in ROLES:
            for pos in places:
                if rule.get is not None:
                    _run(w, failures, role, route, rule, route, pos, write=False)
                if rule.post is not None:
                    _run(w, failures, role, route, rule, route, pos, write=True)
    for page, policy in API_PAGES.items():
        for role in ROLES:
            response = w.call(role, "get", "/" + page)
            _check(w, failures, role, page, response, allowed=policy(role, None), write=False)
    assert not failures, f"{len(failures)} authorization failures:\n" + "\n".join(failures[:80])


def test_the_admin_site_is_for_superusers_only(world):
    w = World(world)
    urls = ["/admin/"] + [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]
    failures = []
    for role in ROLES:
        for url in urls:
            response = w.call(role, "get", url)
            allowed = role == "superuser"
            ok = response.status_code == 200 if allowed else (
                response.status_code in (302, 403) and "/admin/login/" in response.get("Location", "/admin/login/"))
            if not ok:
                failures.append(f"{url} as {role}: {response.status_code}")
            _check(w, failures, role, url, response, allowed=allowed, write=False)
    assert not failures, "\n".join(failures)
