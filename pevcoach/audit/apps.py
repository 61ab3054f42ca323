from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "pevcoach.audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from pevcoach.audit import receivers  # noqa: F401 - sign-ins, sign-outs and failed sign-ins
