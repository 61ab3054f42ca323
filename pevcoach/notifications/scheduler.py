"""Periodic jobs, claimed once per slot however many schedulers tick.

Each job names its slot at a moment — '2025-08-04T09:15' for a job every 15 minutes,
'2025-W32' for the weekly digest — or None when its time has not come yet. A tick
creates the ScheduledRun (job, slot) row and enqueues the job in one transaction; the
unique constraint lets exactly one scheduler win, the others get an IntegrityError and
skip. A slot missed while nothing ran (the server was down on Monday morning) is still
run when the scheduler comes back within the same period.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pevcoach.notifications import tasks
from pevcoach.notifications.models import ScheduledRun
from pevcoach.notifications.timing import local

logger = logging.getLogger(__name__)


def _hour(hour):
    """An hour of the day, or the name of the setting that holds it (read when used)."""
    return getattr(settings, hour) if isinstance(hour, str) else hour


def every(minutes):
    def slot(now):
        moment = local(now)
        return moment.replace(minute=moment.minute - moment.minute % minutes).strftime("%Y-%m-%dT%H:%M")
    return slot


def daily(hour):
    def slot(now):
        moment = local(now)
        return moment.date().isoformat() if moment.hour >= _hour(hour) else None
    return slot


def weekly(hour):
    def slot(now):
        moment = local(now)
        if moment.weekday() == 0 and moment.hour < _hour(hour):
            return None
        return moment.strftime("%G-W%V")
    return slot


def monthly(hour):
    def slot(now):
        moment = local(now)
        if moment.day == 1 and moment.hour < _hour(hour):
            return None
        return moment.strftime("%Y-%m")
    return slot


def always():
    return True


def dhis2_configured():
    return bool(settings.DHIS2_URL and settings.DHIS2_TOKEN and settings.DHIS2_DATA_SETS)


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path, called with slot=...
    slot: object
    enabled: object = always


JOBS = [
    Job("reminders", "pevcoach.notifications.services.send_reminders", every(15)),
    Job("deliver", "pevcoach.notifications.services.deliver_due", every(5)),
    Job("weekly_digest", "pevcoach.notifications.services.send_weekly_digests", weekly("NOTIFY_MORNING_HOUR")),
    Job("monthly_summary", "pevcoach.notifications.services.send_monthly_summaries",
        monthly("NOTIFY_MORNING_HOUR")),
    Job("dhis2_pull", "pevcoach.notifications.jobs.pull_dhis2", daily("DHIS2_PULL_HOUR"), dhis2_configured),
    Job("prune", "pevcoach.notifications.jobs.prune", daily(3)),
]
JOBS_BY_NAME = {job.name: job for job in JOBS}


def tick(*, now=None, worker=""):
    """Claim and enqueue every job whose slot has come; return the (job, slot) pairs claimed here."""
    now = now or timezone.now()
    claimed = []
    for job in JOBS:
        if not job.enabled():
            continue
        slot = job.slot(now)
        if slot is None or ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot, claimed_by=worker[:64], claimed_at=now)
                tasks.run_job.enqueue(job.name, slot)
        except IntegrityError:
            continue  # another scheduler claimed it first
        claimed.append((job.name, slot))
    return claimed


def run(name, slot):
    """Run a claimed job (in the worker) and record how it went on its ScheduledRun."""
    job = JOBS_BY_NAME[name]
    runs = ScheduledRun.objects.filter(job=name, slot=slot)
    runs.update(started_at=timezone.now())
    try:
        result = import_string(job.function)(slot=slot)
    except Exception as exc:
        runs.update(finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
        logger.exception("periodic job %s (%s) failed", name, slot)
        raise
    runs.update(finished_at=timezone.now(), result=str(result)[:2000])
    return str(result)


def keep_days(days):
    return timezone.now() - datetime.timedelta(days=days)
