from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pevcoach.api"
