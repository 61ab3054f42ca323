from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pevcoach.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.conf import settings

        from pevcoach.notifications.channels import sms_gateway
        from pevcoach.notifications.timing import parse_quiet_hours

        # Fail at start, naming the variable, rather than at the first reminder.
        parse_quiet_hours(settings.NOTIFY_QUIET_HOURS)
        sms_gateway()
