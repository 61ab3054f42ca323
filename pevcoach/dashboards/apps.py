from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "pevcoach.dashboards"
    verbose_name = "Dashboards"
