"""RapidPro (or TextIt) as SMS gateway, through its documented broadcast API:
POST /api/v2/broadcasts.json, `Authorization: Token …`, {"urns": ["tel:+223…"], "text": "…"}."""

import json

from django.conf import settings

from pevcoach.notifications.channels import SendError
from pevcoach.notifications.channels.sms_http import post


class RapidProGateway:
    def send(self, *, to, text, ref):
        if not (settings.RAPIDPRO_URL and settings.RAPIDPRO_TOKEN):
            raise SendError("RAPIDPRO_URL and RAPIDPRO_TOKEN must be set")
        body = json.dumps({"urns": [f"tel:{to}"], "text": text}).encode()
        headers = {"Authorization": f"Token {settings.RAPIDPRO_TOKEN}", "Content-Type": "application/json"}
        return post(f"{settings.RAPIDPRO_URL}/api/v2/broadcasts.json", content=body, headers=headers,
                    timeout=settings.SMS_TIMEOUT)
