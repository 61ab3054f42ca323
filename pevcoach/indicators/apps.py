from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _figures_changed(sender, **kwargs):
    from pevcoach.indicators import figures_cache

    figures_cache.bump()


class IndicatorsConfig(AppConfig):
    name = "pevcoach.indicators"
    verbose_name = _("Indicators")

    def ready(self):
        # Names, coordinates, outlines and the shape of the tree are drawn on the maps and decide which
        # centres count in an area: a change to any of them changes cached figures (figures_cache.py).
        from pevcoach.indicators.models import OrgUnitGeometry
        from pevcoach.orgunits.models import OrgUnit

        for model in (OrgUnit, OrgUnitGeometry):
            post_save.connect(_figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-saved")
            post_delete.connect(_figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-deleted")
