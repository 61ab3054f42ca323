"""The scheduler claims each periodic job once per slot; the worker (db_worker) runs it."""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pevcoach.coaching import services as coaching
from pevcoach.notifications import scheduler
from pevcoach.notifications.models import Notification, ScheduledRun
from tests.notifications.conftest import bamako


def claimed_jobs(moment):
    return {job for job, _slot in scheduler.tick(now=moment)}


def test_each_job_is_claimed_once_per_slot(db):
    monday = bamako(2025, 3, 10, 7, 20)
    first = scheduler.tick(now=monday, worker="a")
    assert {job for job, _ in first} == {"reminders", "deliver", "weekly_digest", "monthly_summary", "prune"}
    assert scheduler.tick(now=monday, worker="b") == []
    assert DBTaskResult.objects.filter(task_path="pevcoach.notifications.tasks.run_job").count() == len(first)
    assert ("reminders", "2025-03-10T07:15") in first and ("weekly_digest", "2025-W11") in first


def test_frequent_jobs_come_back_with_each_new_slot(db):
    scheduler.tick(now=bamako(2025, 3, 11, 9, 2))
    assert claimed_jobs(bamako(2025, 3, 11, 9, 4)) == set()
    assert claimed_jobs(bamako(2025, 3, 11, 9, 5)) == {"deliver"}
    assert claimed_jobs(bamako(2025, 3, 11, 9, 15)) == {"deliver", "reminders"}


def test_the_weekly_digest_waits_for_monday_morning_and_is_caught_up_later(db, settings):
    settings.NOTIFY_MORNING_HOUR = 7
    assert "weekly_digest" not in claimed_jobs(bamako(2025, 3, 10, 6, 59))
    assert "weekly_digest" in claimed_jobs(bamako(2025, 3, 11, 15))  # Monday was missed: Tuesday catches up
    assert "weekly_digest" not in claimed_jobs(bamako(2025, 3, 12, 15))


def test_the_dhis2_pull_is_scheduled_only_when_dhis2_is_configured(db, settings):
    settings.DHIS2_URL = settings.DHIS2_TOKEN = ""
    assert "dhis2_pull" not in claimed_jobs(bamako(2025, 3, 11, 3))
    settings.DHIS2_URL, settings.DHIS2_TOKEN, settings.DHIS2_DATA_SETS = "http://dhis2.test", "d2pat_x", ["BfMAe6Itzgt"]
    assert "dhis2_pull" in claimed_jobs(bamako(2025, 3, 12, 3))


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_the_worker_runs_the_jobs_the_scheduler_enqueued(clock, cast, relationship):
    clock.go(bamako(2025, 3, 10, 9))
    coaching.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["sibling"],
                                  aims="Réduire l'abandon", rhythm="Une visite par mois")
    call_command("scheduler", "--once", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=io.StringIO())
    assert Notification.objects.filter(recipient=cast["sibling"], kind="proposal_waiting").count() == 1
    reminders = ScheduledRun.objects.get(job="reminders")
    assert reminders.finished_at is not None and reminders.result == "1 notification(s)" and not reminders.error
    assert not DBTaskResult.objects.ready().exists()


def test_a_failing_job_records_its_error(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("DHIS2 is down")

    monkeypatch.setattr("pevcoach.notifications.services.send_reminders", broken)
    ScheduledRun.objects.create(job="reminders", slot="x")
    with pytest.raises(RuntimeError):
        scheduler.run("reminders", "x")
    assert ScheduledRun.objects.get(slot="x").error == "RuntimeError: DHIS2 is down"


def test_the_dhis2_job_pulls_the_configured_data_sets_changed_lately(db, settings, monkeypatch):
    from types import SimpleNamespace

    settings.DHIS2_URL, settings.DHIS2_TOKEN, settings.DHIS2_DATA_SETS = "http://dhis2.test", "d2pat_x", ["BfMAe6Itzgt"]
    calls = []

    def pull(client, **kwargs):
        calls.append((client.base_url, client.http.headers["Authorization"], kwargs))
        return SimpleNamespace(pk=7, created=3, updated=1)

    monkeypatch.setattr("pevcoach.indicators.services.pull_data_values", pull)
    ScheduledRun.objects.create(job="dhis2_pull", slot="2025-03-12")
    assert scheduler.run("dhis2_pull", "2025-03-12") == "import 7: 3 created, 1 updated"
    assert calls == [("http://dhis2.test", "ApiToken d2pat_x", {"data_sets": ["BfMAe6Itzgt"], "last_updated": "2d"})]
