"""Tasks for django-tasks: one-line adapters run by `manage.py db_worker`."""

from django_tasks import task


@task()
def deliver():
    """Send what is due (e-mail, SMS); safe to run in several workers at once."""
    from pevcoach.notifications.services import deliver_due

    return deliver_due()


@task()
def run_job(name, slot):
    """One periodic job in the slot the scheduler claimed for it."""
    from pevcoach.notifications.scheduler import run

    return run(name, slot)
