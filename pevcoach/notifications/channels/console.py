"""The default SMS gateway: writes the SMS to the log. Nothing leaves the machine."""

import logging

logger = logging.getLogger("pevcoach.notifications.sms")


class ConsoleGateway:
    def send(self, *, to, text, ref):
        logger.info("SMS to %s (%s): %s", to, ref, text)
        return f"console:{ref}"
