"""Write to the audit trail. Called from the write choke points (coaching `_save`, accounts
services, imports, sync), in the same transaction as the change they record."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from pevcoach.accounts.throttle import client_ip
from pevcoach.audit.context import current_request
from pevcoach.audit.models import AuditEntry

Action = AuditEntry.Action
NOT_TRACKED = {"updated_at", "version", "created_at", "last_login", "session_salt"}
HIDDEN = "(hidden)"
LONGEST = 500  # characters of a text kept before and after a change


def _user_of(request):
    user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(*, action, obj=None, actor=None, changes=None, object_type="", object_id="", object_repr="",
           org_unit_path=None, request=None):
    """Add one entry. `actor` defaults to the signed-in user of the current request."""
    request = request or current_request.get()
    actor = actor if actor is not None else _user_of(request)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
        if org_unit_path is None:
            org_unit_path = scope_path(obj)
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuditEntry.objects.create(
        action=action, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_text(actor.get_username() if getattr(actor, "pk", None) else "", 150),
        object_type=_text(object_type, 50), object_id=_text(object_id, 64), object_repr=_text(object_repr, 200),
        changes=_jsonable(changes or {}), org_unit_path=_text(org_unit_path or "", 255),
        ip=client_ip(request) if request is not None else None, user_agent=_text(agent, 300),
        path=_text(request.path if request is not None else "", 300),
    )


def _text(value, length):
    """What came from outside (a path, a browser's name), cut to its column and without NUL characters."""
    return str(value).replace("\x00", "")[:length]


def scope_path(obj):
    """The org-unit path a record belongs to (where admins of that area may read its entries)."""
    for chain in (("org_unit",), ("relationship", "org_unit"), ("action", "relationship", "org_unit"),
                  ("scope",)):
        target = obj
        for name in chain:
            target = getattr(target, name, None) if target is not None else None
        if target is not None and getattr(target, "path", None):
            return target.path
    return getattr(obj, "path", "") or ""


def _fields(obj):
    return [f for f in obj._meta.concrete_fields if f.name not in NOT_TRACKED and not f.primary_key]


def snapshot(obj):
    """The stored values of a saved record, to compare with after a change (None for a new one)."""
    if obj.pk is None:
        return None
    return obj._meta.model._base_manager.filter(pk=obj.pk).values(*[f.attname for f in _fields(obj)]).first()


def _value(obj, field):
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def _short(value):
    if isinstance(value, str) and len(value) > LONGEST:
        return value[:LONGEST] + "…"
    return value


def _hidden_fields(obj):
    """Fields whose values stay out of the trail: a coachee's ratings reach nobody one by one."""
    hidden = {"password", "totp_secret"}
    if obj._meta.label_lower == "coaching.feedback" and getattr(obj, "direction", "") == "to_coach":
        hidden |= {"session_useful", "listened_to", "support_received", "comment"}
    return hidden


def changes_between(obj, before):
    """{field: [before, after]} for the fields that differ (all set fields for a new record)."""
    hidden = _hidden_fields(obj)
    diff = {}
    for field in _fields(obj):
        after = _value(obj, field)
        old = None if before is None else before.get(field.attname)
        if isinstance(field, models.FileField):
            old = old or ""
        if before is None and after in (None, "", [], {}):
            continue
        if before is not None and old == after:
            continue
        key = field.attname
        diff[key] = [HIDDEN, HIDDEN] if field.name in hidden else [_short(old), _short(after)]
    return diff


def record_change(obj, *, before=None, creating=False, actor=None):
    """Record the creation of `obj`, or what changed since `before` (a snapshot); nothing when nothing did."""
    changes = changes_between(obj, None if creating else before)
    if not creating and not changes:
        return None
    return record(action=Action.CREATE if creating else Action.UPDATE, obj=obj, changes=changes, actor=actor)


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))
