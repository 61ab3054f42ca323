from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pevcoach.coaching"
    verbose_name = _("Coaching")

    def ready(self):
        # Goals on an indicator follow the figures: refresh them after each import.
        from pevcoach.coaching.indicator_link import refresh_goals_after_import
        from pevcoach.indicators.services import after_import_hooks

        if refresh_goals_after_import not in after_import_hooks:
            after_import_hooks.append(refresh_goals_after_import)
