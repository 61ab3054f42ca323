"""Tasks for django-tasks, run by `manage.py db_worker`."""

from django.conf import settings
from django_tasks import task


@task()
def work_out_figures():
    """The country's and regions' figures, worked out by a worker right after an import."""
    from pevcoach.dashboards.areas import work_out_figures as work_out

    work_out()


def after_import(log=None):
    """After each import, have a worker work the national figures out — when the app servers share a cache
    (CACHE_URL): with each server's own memory, what a worker works out would serve nobody."""
    if "locmem" not in settings.CACHES["default"]["BACKEND"]:
        work_out_figures.enqueue()
