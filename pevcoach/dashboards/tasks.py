"""Tasks for django-tasks, run by `manage.py db_worker`."""

from django_tasks import task

from pevcoach.indicators import figures_cache


@task()
def work_out_figures():
    """The country's and regions' figures and every coach's facts, worked out by a worker right after an import."""
    from pevcoach.dashboards.areas import work_out_figures as work_out
    from pevcoach.dashboards.homes import work_out_coach_facts

    work_out()
    work_out_coach_facts()


def after_import(log=None):
    """After each import, have a worker work the national figures out — when the app servers share a cache
    (CACHE_URL): with each server's own memory, what a worker works out would serve nobody."""
    if figures_cache.is_shared():
        work_out_figures.enqueue()
