from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "pevcoach.dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        # National figures are worked out by a worker after each import, not by their first reader.
        from pevcoach.dashboards.tasks import after_import
        from pevcoach.indicators.services import after_import_hooks

        if after_import not in after_import_hooks:
            after_import_hooks.append(after_import)
