"""Clock rules of the reminders, as plain functions on aware datetimes (Bamako time)."""

import datetime

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def parse_quiet_hours(value):
    """'21:00-07:00' → (time(21), time(7)); '' or 'off' → None. Bad values stop the app."""
    value = (value or "").strip().lower()
    if value in ("", "off", "none"):
        return None
    try:
        start, end = (datetime.time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"NOTIFY_QUIET_HOURS must look like 21:00-07:00, not {value!r}") from None
    return start, end


def local(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


def at(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_default_timezone())


def quiet_until(moment, start, end):
    """When `moment` falls within the quiet hours start–end (local time), the moment they end; else None."""
    if start is None or end is None or start == end:
        return None
    now = local(moment)
    t = now.time()
    if start < end:
        return at(now.date(), end) if start <= t < end else None
    if t >= start:
        return at(now.date() + datetime.timedelta(days=1), end)
    if t < end:
        return at(now.date(), end)
    return None


def backoff(attempts, base_seconds):
    """Wait before try number attempts+1: base, 2×base, 4×base… capped at six hours."""
    return datetime.timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 6 * 3600))
