"""Login throttling, on the web login and the API token endpoint alike (django-axes underneath).

- 5 failures in 15 minutes for one username from one address lock that username *for that
  address* for 15 minutes (AXES_* settings): someone guessing from one place is stopped, and the
  owner signing in from their own phone is not.
- Failures for one username from many addresses (a spread-out attack) slow every attempt on that
  username down, progressively and capped (LOGIN_SLOWDOWN_*): never a lock its owner cannot pass.
"""

import ipaddress
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.accounts.phone import looks_like_phone, normalize_phone

sleep = time.sleep  # tests count the waits instead of waiting


def normalize_login(login):
    """One spelling per account: `76 00 01 01` and `+22376000101` are the same login."""
    login = (login or "").strip()
    if looks_like_phone(login):
        try:
            return normalize_phone(login)
        except ValidationError:
            pass
    return login.lower()


def login_name(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the login typed, from the credentials or the posted form."""
    login = credentials.get("username") if credentials else getattr(request, "POST", {}).get("username")
    return normalize_login(login) or None


def _address(text):
    try:
        return str(ipaddress.ip_address(text.strip().split("%")[0]))  # no IPv6 zone: no database stores it
    except ValueError:
        return None


def client_ip(request):
    """The client's address: behind our proxy, the address it appended last to X-Forwarded-For.

    Never anything but an IP address: a forged header must not reach the database as one.
    """
    meta = getattr(request, "META", {})
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "") if settings.USE_X_FORWARDED_FOR else ""
    return (_address(forwarded.split(",")[-1]) if forwarded else None) or _address(meta.get("REMOTE_ADDR") or "")


def recent_failures(login):
    """Failed sign-ins for this login, from every address, within the lock period."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=normalize_login(login), attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"]
    return total or 0


def delay_for(failures):
    """Seconds to wait before checking a password: nothing at first, then half a second more per failure."""
    over = failures - settings.LOGIN_SLOWDOWN_AFTER
    if over < 0:
        return 0.0
    return min(float(settings.LOGIN_SLOWDOWN_MAX_SECONDS), 0.5 * (over + 1))


def slow_down(login):
    delay = delay_for(recent_failures(login))
    if delay:
        sleep(delay)
    return delay


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: JSON {"detail"} for the API, the login page with the reason for people."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed sign-ins from here: try again in %(minutes)d minutes.") % {"minutes": minutes}
    retry = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        from pevcoach.accounts.forms import LoginForm

        form = LoginForm(request, data=None, initial={"username": (credentials or {}).get("username", "")})
        response = render(request, "accounts/login.html", {"form": form, "locked": message}, status=429)
    response["Retry-After"] = retry
    return response


