"""E-mail through Django's mail backend (SMTP in production)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from pevcoach.notifications.channels import SendError


def send(delivery):
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 20)
    # A stable Message-ID lets mail clients fold a copy resent after a lost answer.
    message = EmailMessage(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address],
                           connection=connection,
                           headers={"Message-ID": f"<delivery-{delivery.pk}@pevcoach>"})
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"address refused: {exc.recipients}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from exc
    return ""
