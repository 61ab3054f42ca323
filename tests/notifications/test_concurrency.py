"""Several workers and several schedulers at once, on a real database: each message sent once,
each periodic run claimed once. Threads need PostgreSQL (SQLite's test database is one shared
in-memory file); on SQLite the sequential double run of test_delivery.py stands in."""

import threading

import pytest
from django.db import connection, connections

from pevcoach.notifications import scheduler, services
from pevcoach.notifications.models import Delivery, ScheduledRun
from tests.notifications.conftest import bamako
from tests.notifications.test_delivery import message_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL"),
]


def at_once(count, function):
    """Run function(i) in `count` threads released together; return their results."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def body(i):
        try:
            barrier.wait()
            results[i] = function(i)
        except Exception as exc:  # surfaced in the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def test_two_workers_send_each_message_once(clock, gateway, cast, settings):
    settings.SMS_PER_USER_PER_DAY = 100
    clock.go(bamako(2025, 3, 11, 9))
    for _ in range(20):
        message_for(cast["coachee"])
        message_for(cast["coach"])
    gateway.delay = 0.01
    results = at_once(2, lambda i: services.deliver_due(worker=f"worker-{i}"))
    assert sum(r.get("sent", 0) for r in results) == 40
    assert all(r.get("sent") for r in results)  # both really worked
    ids = [b["id"] for b in gateway.bodies()]
    assert len(ids) == len(set(ids)) == 40
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_the_daily_sms_cap_holds_with_two_workers(clock, gateway, cast, settings):
    settings.SMS_PER_USER_PER_DAY, settings.SMS_PER_DAY = 100, 7
    clock.go(bamako(2025, 3, 11, 9))
    for _ in range(10):
        message_for(cast["coachee"])
        message_for(cast["coach"])
    at_once(2, lambda i: services.deliver_due(worker=f"worker-{i}"))
    assert len(gateway.requests) == 7
    assert Delivery.objects.filter(status="skipped").count() == 13


def test_two_schedulers_claim_each_run_once(db):
    monday = bamako(2025, 3, 10, 7, 20)
    results = at_once(4, lambda i: scheduler.tick(now=monday, worker=f"scheduler-{i}"))
    claimed = [pair for result in results for pair in result]
    assert len(claimed) == len(set(claimed)) == ScheduledRun.objects.count() == 5
