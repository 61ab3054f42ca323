"""Contract C4: creating twice with the same client id never duplicates.

Same id and same content: answer the existing record (200). Same id, other
content: 409. Content is compared field by field on what the client sent,
as Python values (so "2026-01-05T08:00:00Z" equals "2026-01-05T09:00:00+01:00",
and 80 equals 80.00), strings without surrounding blanks.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError


def _same(given, stored):
    if isinstance(given, str) and isinstance(stored, str):
        return given.strip() == stored.strip()
    if isinstance(given, list) and isinstance(stored, list):
        return len(given) == len(stored) and all(_same(g, s) for g, s in zip(given, stored, strict=True))
    if isinstance(given, dict) and isinstance(stored, dict):
        return all(_same(v, stored.get(k)) for k, v in given.items())
    if given is None or stored is None:
        return given in (None, "") and stored in (None, "")
    try:
        return given == stored or float(given) == float(stored)
    except (TypeError, ValueError):
        return False


def existing_or_conflict(model, payload, in_schema, *, visible):
    """Return the stored record when `payload.id` exists with the same content, None when the id is new.

    Raises 409 when the id is taken by other content, or by a record the caller may not see.
    """
    if payload.id is None:
        return None
    obj = model.objects.filter(pk=payload.id).first()
    if obj is None:
        return None
    if not visible.filter(pk=obj.pk).exists():
        raise HttpError(409, _("This id is already used by another record."))
    # Some inputs are not kept as sent (a photo is re-encoded): they cannot be compared.
    skip = {"id", *getattr(in_schema, "not_compared", ())}
    given = payload.model_dump(exclude_unset=True, exclude=skip)
    stored = in_schema.from_record(obj).model_dump(exclude={"id"})
    differing = sorted(name for name, value in given.items() if not _same(value, stored.get(name)))
    if differing:
        raise HttpError(409, _("A record with this id already exists with other content (%(fields)s).")
                        % {"fields": ", ".join(differing)})
    return obj
