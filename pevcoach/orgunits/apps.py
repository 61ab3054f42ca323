from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgUnitsConfig(AppConfig):
    name = "pevcoach.orgunits"
    verbose_name = _("Org units")

    def ready(self):
        from pevcoach.orgunits import lookups

        lookups.register()
