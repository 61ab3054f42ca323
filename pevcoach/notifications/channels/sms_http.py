"""A generic HTTP SMS gateway: one POST to SMS_HTTP_URL with a configurable body and auth header.

SMS_HTTP_BODY_TEMPLATE holds $to (the number, +223…), $text and $id (our delivery id, for
gateways that drop duplicates); values are escaped for SMS_HTTP_CONTENT_TYPE (JSON or
form-encoded). A 2xx answer is success; timeouts, network errors, 429 and 5xx are retried
later; other 4xx answers are permanent failures.
"""

import json
import string
from urllib.parse import quote_plus

import httpx
from django.conf import settings

from pevcoach.notifications.channels import SendError


def render_body(template, content_type, **values):
    if "json" in content_type:
        escape = lambda v: json.dumps(v)[1:-1]  # noqa: E731
    elif "x-www-form-urlencoded" in content_type:
        escape = quote_plus
    else:
        escape = str
    return string.Template(template).safe_substitute({k: escape(str(v)) for k, v in values.items()})


def post(url, *, content, headers, timeout):
    """POST and sort the outcome: a reference on success, SendError (permanent or not) otherwise."""
    try:
        response = httpx.post(url, content=content, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise SendError(f"no answer within {timeout} s") from exc
    except httpx.HTTPError as exc:
        raise SendError(f"gateway unreachable: {exc}") from exc
    if response.is_success:
        try:
            return str(response.json().get("id", ""))[:100]
        except (ValueError, AttributeError):
            return ""
    problem = f"gateway answered {response.status_code}: {response.text[:300]}"
    raise SendError(problem, permanent=400 <= response.status_code < 500 and response.status_code not in (408, 429))


class HttpGateway:
    def send(self, *, to, text, ref):
        if not settings.SMS_HTTP_URL:
            raise SendError("SMS_HTTP_URL is not set")
        content_type = settings.SMS_HTTP_CONTENT_TYPE
        headers = {"Content-Type": content_type}
        if settings.SMS_HTTP_AUTH_VALUE:
            headers[settings.SMS_HTTP_AUTH_HEADER] = settings.SMS_HTTP_AUTH_VALUE
        body = render_body(settings.SMS_HTTP_BODY_TEMPLATE, content_type, to=to, text=text, id=ref)
        return post(settings.SMS_HTTP_URL, content=body.encode(), headers=headers, timeout=settings.SMS_TIMEOUT)
