"""Periodic jobs that are not about notifications but run on the same scheduler."""

from django.conf import settings
from django.core.management import call_command

from pevcoach.notifications.models import ScheduledRun
from pevcoach.notifications.scheduler import keep_days

SCHEDULED_RUNS_KEPT_DAYS = 30


def pull_dhis2(*, slot=None):
    """Incremental pull from DHIS2: the configured data sets' values changed in the last two days."""
    from pevcoach.indicators.dhis2 import Dhis2Client
    from pevcoach.indicators.services import pull_data_values

    with Dhis2Client(settings.DHIS2_URL, token=settings.DHIS2_TOKEN) as client:
        log = pull_data_values(client, data_sets=settings.DHIS2_DATA_SETS, last_updated="2d")
    return f"import {log.pk}: {log.created} created, {log.updated} updated"


def prune(*, slot=None):
    """Forget old bookkeeping: scheduled runs after a month, finished task results after two weeks."""
    deleted, _ = ScheduledRun.objects.filter(claimed_at__lt=keep_days(SCHEDULED_RUNS_KEPT_DAYS)).delete()
    call_command("prune_db_task_results", "--min-age-days", "14", verbosity=0)
    return f"{deleted} scheduled run(s) pruned"
