"""Indicator figures worked out once per change of the data, then read from the cache.

Figures move only when values are imported or the tree of units is edited: a national gap map or
a centre's key indicators are read hundreds of times between two monthly imports, and working them
out again each time (reading ten thousand totals, computing 1,500 centres' rates, drawing the map)
was most of those pages' time. Every write that moves a figure gives `FiguresVersion` a new stamp in its own
transaction (`totals.refresh_*`; saves and deletions of units and outlines, signals in apps.py),
and cached figures are keyed by that stamp: a page never shows figures older than the data it
reads, whichever app server answers, and nothing has to be cleared. A dashboard reading the
replica reads the stamp there too, so figures and stamp always come from the same copy.

The cache is Django's (settings.CACHES): the app server's own memory by default, Redis when
CACHE_URL names one, so that every app server reuses what one of them worked out. Keys also
carry the language (labels and chart titles are translated) and a stamp of the code that shapes
the figures, so a new release never serves what the previous one computed.
"""

import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from pevcoach.indicators.models import FiguresVersion

log = logging.getLogger(__name__)
TIMEOUT = 31 * 24 * 3600  # a month: entries of an old version are never read again, let them go
_MISSING = object()
# The modules whose code decides what a cached figure holds.
_SHAPERS = ["indicators/compute.py", "indicators/catalogue.py", "indicators/queries.py", "dashboards/queries.py",
            "dashboards/homes.py", "dashboards/areas.py", "dashboards/charts.py", "dashboards/need.py",
            "dashboards/exports.py"]


def _code_stamp():
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1(usedforsecurity=False)
    for name in _SHAPERS:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:10]


CODE_STAMP = _code_stamp()


def is_shared():
    """Whether the app servers share one cache (Redis), rather than each keeping its own in memory."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"]


def version():
    """The current stamp ("-" before the first change)."""
    stamp = FiguresVersion.objects.filter(pk=1).values_list("stamp", flat=True).first()
    return stamp.hex if stamp else "-"


def bump():
    """Say that figures changed: call it inside the transaction that changes them."""
    if not FiguresVersion.objects.filter(pk=1).update(stamp=uuid.uuid4()):
        FiguresVersion.objects.get_or_create(pk=1)


def remember(kind, *parts, compute):
    """`compute()`, or what it returned for the same kind and parts since the data last changed.

    `parts` must say everything the result depends on besides the data, the language and the code
    (unit ids, months, indicator codes); the result must be plain data that pickles.
    An unreachable cache (Redis down) costs time, never the page.
    """
    fingerprint = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"figures:{CODE_STAMP}:{version()}:{translation.get_language() or '-'}:{kind}:{fingerprint}"
    return kept(key, TIMEOUT, compute)


def kept(key, seconds, compute):
    """What the cache holds under `key`, else `compute()` kept there for `seconds`. An unreachable
    cache (Redis down) costs time, never the page: the result is then computed each time."""
    try:
        found = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001 - any failure of the cache backend: compute
        log.warning("cache unreadable", exc_info=True)
        return compute()
    if found is not _MISSING:
        return found
    found = compute()
    try:
        cache.set(key, found, seconds)
    except Exception:  # noqa: BLE001
        log.warning("cache unwritable", exc_info=True)
    return found
