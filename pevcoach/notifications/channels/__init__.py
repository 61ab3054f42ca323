"""How a delivery leaves: e-mail through Django's mail backend, SMS through a pluggable gateway.

An SMS gateway is a class with `send(*, to, text, ref) -> str` (the gateway's reference
for the message) that raises SendError when the message did not go. Its name in the
SMS_BACKEND setting picks it from GATEWAYS; a new gateway is one small module here.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

GATEWAYS = {
    "console": "pevcoach.notifications.channels.console.ConsoleGateway",
    "http": "pevcoach.notifications.channels.sms_http.HttpGateway",
    "rapidpro": "pevcoach.notifications.channels.rapidpro.RapidProGateway",
}


class SendError(Exception):
    """The message did not go. `permanent`: trying again cannot help (a refused address)."""

    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def sms_gateway(name=None):
    name = name or settings.SMS_BACKEND
    if name not in GATEWAYS:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(GATEWAYS)}, not {name!r}")
    return import_string(GATEWAYS[name])()


def send(delivery):
    """Send one delivery; return the gateway's reference or raise SendError."""
    from pevcoach.notifications.channels import email
    from pevcoach.notifications.models import Channel

    if delivery.channel == Channel.EMAIL:
        return email.send(delivery)
    return sms_gateway().send(to=delivery.address, text=delivery.body, ref=str(delivery.pk))
