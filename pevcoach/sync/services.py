"""Offline sync: apply pushed changes once each, merge edits field by field, keep conflicts.

A pushed change is {"op": <uuid>, "kind": "create"|"update", "model": "actions", "id": <uuid>,
"data": {...}, "base": {...}}. Creates go through the same endpoint functions as the API
(and so the same services and visibility rules); replays of an operation id answer the
stored result. An update says, in `base`, what each field held when the phone read it:
a field the server has not changed since is applied; a field changed on both sides is a
conflict — the server keeps its value, the phone's value is kept beside it, and the
people concerned choose. Nothing is overwritten silently and nothing is lost.
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticError

from pevcoach.audit import services as audit
from pevcoach.coaching import api as coaching_api
from pevcoach.coaching import queries
from pevcoach.coaching.models import Action, Evidence, Goal, Relationship, Session
from pevcoach.orgunits.queries import sees_subtree
from pevcoach.sync.models import Conflict, Operation, Tombstone
from pevcoach.sync.records import record


@dataclass(frozen=True)
class Resource:
    model: type
    create_in: type
    create: callable
    patch_in: type
    update: callable
    out: type
    visible: callable


RESOURCES = {
    "relationships": Resource(coaching_api.Relationship, coaching_api.RelationshipIn, coaching_api.create_relationship,
                              coaching_api.RelationshipPatch, coaching_api.update_relationship,
                              coaching_api.RelationshipOut, queries.relationships_visible_to),
    "sessions": Resource(coaching_api.Session, coaching_api.SessionIn, coaching_api.create_session,
                         coaching_api.SessionPatch, coaching_api.update_session, coaching_api.SessionOut,
                         queries.sessions_visible_to),
    "goals": Resource(coaching_api.Goal, coaching_api.GoalIn, coaching_api.create_goal, coaching_api.GoalPatch,
                      coaching_api.update_goal, coaching_api.GoalOut, queries.goals_visible_to),
    "actions": Resource(coaching_api.Action, coaching_api.ActionIn, coaching_api.create_action,
                        coaching_api.ActionPatch, coaching_api.update_action, coaching_api.ActionOut,
                        queries.actions_visible_to),
    "evidence": Resource(coaching_api.Evidence, coaching_api.EvidenceIn, coaching_api.create_evidence,
                         coaching_api.EvidencePatch, coaching_api.review_evidence, coaching_api.EvidenceOut,
                         queries.evidence_visible_to),
    "feedback": Resource(coaching_api.Feedback, coaching_api.FeedbackIn, coaching_api.create_feedback,
                         coaching_api.FeedbackPatch, coaching_api.update_feedback, coaching_api.FeedbackOut,
                         queries.feedback_visible_to),
    "checklists": Resource(coaching_api.Checklist, coaching_api.ChecklistIn, coaching_api.create_checklist,
                           coaching_api.ChecklistPatch, coaching_api.update_checklist, coaching_api.ChecklistOut,
                           queries.checklists_visible_to),
}


def _json(resource, obj):
    return resource.out.from_orm(obj).model_dump(mode="json")


def _short(obj):
    """What the phone needs back: enough to update its copy, kept small for 2G."""
    return {"id": str(obj.pk), "version": obj.version, "updated_at": obj.updated_at.isoformat()}


def _error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, HttpError):
        return str(exc)
    if isinstance(exc, PydanticError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, PermissionDenied):
        return _("You may not do this.")
    if isinstance(exc, Http404):
        return _("Not found.")
    return str(exc)


def push(*, user, changes):
    """Apply changes in order, each in its own transaction; answer one result per change."""
    return [apply_change(user=user, change=change) for change in changes]


def apply_change(*, user, change):
    op_id = change.get("op")
    done = Operation.objects.filter(pk=op_id, user=user).first() if op_id else None
    if done is not None:
        return {**done.result, "replayed": True}
    try:
        with transaction.atomic():
            result = _apply(user, change)
            if op_id:
                Operation.objects.create(id=op_id, user=user, outcome=result["status"], result=result)
    except IntegrityError:
        # The same operation arrived twice at once (two tabs, a retry racing the first try).
        done = Operation.objects.filter(pk=op_id, user=user).first()
        if done is None:
            raise
        return {**done.result, "replayed": True}
    except (ValidationError, HttpError, PydanticError, PermissionDenied, Http404, ValueError) as exc:
        result = {"op": op_id, "status": "rejected", "error": _error_text(exc)}
        if op_id:
            Operation.objects.get_or_create(id=op_id, user=user, defaults={"outcome": "rejected", "result": result})
    return result


def _apply(user, change):
    resource = RESOURCES.get(change.get("model"))
    if resource is None:
        raise ValidationError(_("Unknown kind of record."))
    request = SimpleNamespace(user=user)
    data = dict(change.get("data") or {})
    if change.get("kind") == "create":
        status, obj = resource.create(request, resource.create_in.model_validate({**data, "id": change.get("id")}))
        return {"op": change.get("op"), "status": "applied" if status == 201 else "duplicate", **_short(obj)}
    if change.get("kind") == "update":
        return _update(user, request, resource, change, data)
    raise ValidationError(_("Unknown kind of change."))


def _update(user, request, resource, change, data):
    obj = resource.visible(user).filter(pk=change.get("id")).first()
    if obj is None:
        raise Http404
    current = _json(resource, obj)
    base = change.get("base") or {}
    apply, conflicts = {}, []
    for field, value in data.items():
        server = current.get(field, None)
        if field not in base or server == base[field] or server == value:
            apply[field] = value
        else:
            conflicts.append((field, base[field], server, value))
    if apply:
        obj = resource.update(request, obj.pk, resource.patch_in.model_validate(apply))
    relationship_id = getattr(obj, "relationship_id", None) or obj.action.relationship_id
    for field, base_value, server_value, client_value in conflicts:
        Conflict.objects.create(model=change["model"], object_id=obj.pk, relationship_id=relationship_id, field=field,
                                base_value=base_value, server_value=server_value, client_value=client_value,
                                author=user)
    status = "conflict" if conflicts else "applied"
    return {"op": change.get("op"), "status": status, "fields": [c[0] for c in conflicts], **_short(obj)}


def conflicts_visible_to(user):
    return Conflict.objects.filter(relationship__in=queries.relationships_visible_to(user))


@transaction.atomic
def resolve_conflict(*, by, conflict, keep):
    """Someone of the relationship chooses which version of the field stays."""
    relationship = conflict.relationship
    if relationship.party_of(by) is None:
        raise PermissionDenied
    if conflict.status != Conflict.Choice.OPEN:
        raise ValidationError(_("This conflict was already settled."))
    if keep == "mine":
        resource = RESOURCES[conflict.model]
        patch = resource.patch_in.model_validate({conflict.field: conflict.client_value})
        resource.update(SimpleNamespace(user=by), conflict.object_id, patch)
    elif keep != "theirs":
        raise ValidationError(_("Choose one of the two versions."))
    conflict.status = Conflict.Choice.MINE if keep == "mine" else Conflict.Choice.THEIRS
    conflict.resolved_by, conflict.resolved_at = by, timezone.now()
    conflict.save()
    audit.record(action=audit.Action.UPDATE, obj=conflict, actor=by, org_unit_path=relationship.org_unit.path,
                 changes={"status": ["open", conflict.status], "field": conflict.field})
    return conflict


# --- Pull ------------------------------------------------------------------------------

# Changes committed while a pull runs may carry an updated_at just before the cursor it
# returns; the next pull looks back this far, and the phone's upsert absorbs repeats.
CURSOR_OVERLAP = datetime.timedelta(seconds=5)
PULL_LIMIT = 500
# What a phone starts with: the records still open, and the others changed in the last
# SYNC_HISTORY_DAYS. Older history stays on the server, read on the pages with network: ten years
# of a coach's sessions would be megabytes on 2G and on a low-end phone (bench/national.py).
OPEN_RECORDS = {
    "relationships": ~Q(status=Relationship.Status.CLOSED),
    "sessions": Q(status__in=Session.STILL_OPEN),
    "goals": Q(status=Goal.Status.ACTIVE),
    "actions": Q(status__in=Action.STILL_OPEN),
    "evidence": Q(review=Evidence.Review.PENDING),
}
# Related rows the output reads (a practice goal's progress counts its actions, a checklist lists its
# answers): one query each, not one a row.
PREFETCH = {"goals": ["actions"], "checklists": ["answers"]}


def history_start(now=None):
    """The oldest change a first pull sends of the records no longer open; None sends all history."""
    days = settings.SYNC_HISTORY_DAYS
    return (now or timezone.now()) - datetime.timedelta(days=days) if days else None


def pull(*, user, since=None):
    """Records of the user's scope changed since the cursor, and tombstones of removed ones.

    A pull that reaches back past SYNC_HISTORY_DAYS — the first one (no cursor), the pages after it
    (their cursor may be an old open record's date), a phone silent for longer than that — sends the
    open records and the history of SYNC_HISTORY_DAYS only."""
    now = timezone.now()
    horizon = history_start(now)
    if since is not None and horizon is not None and since >= horizon:
        horizon = None  # an ordinary incremental pull: everything since the cursor is recent
    records, truncated_at = {}, []
    for name, resource in RESOURCES.items():
        qs = resource.visible(user).prefetch_related(*PREFETCH.get(name, ()))
        if since is not None:
            qs = qs.filter(updated_at__gte=since - CURSOR_OVERLAP)
        if horizon is not None:
            recent = Q(updated_at__gte=horizon)
            qs = qs.filter(recent | OPEN_RECORDS[name] if name in OPEN_RECORDS else recent)
        rows = list(qs.order_by("updated_at")[:PULL_LIMIT + 1])
        if len(rows) > PULL_LIMIT:
            rows = rows[:PULL_LIMIT]
            truncated_at.append(rows[-1].updated_at)
        records[name] = [record(resource.out, obj) for obj in rows]
    tombstones = []
    if since is not None:
        tombstones = [{"model": t.model, "id": str(t.object_id)}
                      for t in tombstones_visible_to(user).filter(deleted_at__gte=since - CURSOR_OVERLAP)]
    # When a kind was cut at the limit, the next pull starts where that cut was, so nothing is skipped.
    cursor = min(truncated_at) if truncated_at else now
    return {"cursor": cursor.isoformat(), "more": bool(truncated_at), "records": records, "tombstones": tombstones,
            "conflicts": conflicts_visible_to(user).filter(status=Conflict.Choice.OPEN).count()}


def tombstones_visible_to(user):
    if user.is_superuser:
        return Tombstone.objects.all()
    held = Q(coach_id=user.pk) | Q(coachee_id=user.pk)
    if sees_subtree(user) and user.org_unit_id:
        held |= Q(org_unit_path__startswith=user.org_unit.path)
    return Tombstone.objects.filter(held)


def bury(model_name, obj, relationship):
    """Record that `obj` was removed, for the phones that hold it."""
    Tombstone.objects.create(model=model_name, object_id=obj.pk, coach_id=relationship.coach_id,
                             coachee_id=relationship.coachee_id, org_unit_path=relationship.org_unit.path)
