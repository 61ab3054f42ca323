"""Several workers and several schedulers at once, on a real database: each message sent once,
each periodic run claimed once, each django-tasks job run by one `db_worker` only (the deployment
of README "Scale and capacity" runs two). Threads need PostgreSQL (SQLite's test database is one
shared in-memory file); on SQLite the sequential double run of test_delivery.py stands in."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

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


RUNS = Counter()
RUNS_LOCK = threading.Lock()


@task()
def count_a_run(n):
    """A job that remembers each time it runs, and takes a moment, so that two workers overlap."""
    with RUNS_LOCK:
        RUNS[n] += 1
    time.sleep(0.01)
    return threading.current_thread().name


def test_two_db_workers_run_each_job_once(db):
    RUNS.clear()
    for n in range(30):
        count_a_run.enqueue(n)

    def work(i):
        threading.current_thread().name = f"worker-{i}"
        Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id=f"worker-{i}", excluded_queue_names=[]).run()

    at_once(2, work)
    assert dict.fromkeys(range(30), 1) == RUNS
    results = DBTaskResult.objects.filter(task_path__endswith="count_a_run")
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    workers = Counter(worker for ids in results.values_list("worker_ids", flat=True) for worker in ids)
    assert sum(workers.values()) == 30 and set(workers) == {"worker-0", "worker-1"}  # both worked, once a job
