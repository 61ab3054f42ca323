"""Dashboards read from a PostgreSQL replica when there is one (DATABASE_REPLICA_URL); nothing else does.

Managers' dashboards, reports and exports are the heavy reads of PEV Coach (whole regions, ten
years of figures). With a streaming replica configured as the `replica` database, the GET requests
of the dashboards app read their coaching and indicator figures there, and the primary keeps its
time for the field's writes. Everything else reads the primary: a coach who has just recorded a
session sees it at once (a replica may lag behind by a moment), and sessions, people and every
write always go to the primary, whatever the request.

    DATABASE_ROUTERS = ["pevcoach.dbrouting.ReplicaRouter"]        # settings.py, when the replica is set
    MIDDLEWARE = [..., "pevcoach.dbrouting.ReplicaReadsMiddleware"]   # does nothing without a replica
"""

import contextlib
import contextvars

from django.db import connections
from django.urls import Resolver404, resolve

REPLICA = "replica"
# Apps whose pages read from the replica, by URL namespace.
READ_FROM_REPLICA = {"dashboards"}
# Apps whose rows may be read from the replica: figures, coaching records and the org-unit tree.
# Sign-in sessions and people stay on the primary (a sign-in or a new account must be seen at once).
REPLICATED_APPS = {"indicators", "coaching", "orgunits"}

_reading_replica = contextvars.ContextVar("pevcoach_reading_replica", default=False)


def has_replica():
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads():
    """Within this block, reads of the replicated apps go to the replica (when there is one)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and model._meta.app_label in REPLICATED_APPS and has_replica():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: a row read from one relates to rows of the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a replica gets its schema from the primary's stream, never from migrate


class ReplicaReadsMiddleware:
    """GET and HEAD requests of the dashboards read from the replica; every other request from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_replica() and request.method in ("GET", "HEAD") and _namespace(request) in READ_FROM_REPLICA:
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)


def _namespace(request):
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).namespace
    except Resolver404:
        return None
