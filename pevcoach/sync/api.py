"""/api/v1/sync: push the phone's outbox, pull what changed, settle conflicts."""

import datetime
import json
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from pevcoach.api.parser import has_nul, nul_message
from pevcoach.sync import services
from pevcoach.sync.offline_pages import pages_for

router = Router(tags=["sync"])

PUSH_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["changes"], "properties": {"changes": {"type": "array", "maxItems": 200,
                                                                              "items": {"type": "object"}}}}}}},
}


class PushResult(Schema):
    results: list[dict]
    pull: dict | None = None


class PullOut(Schema):
    cursor: str
    more: bool
    records: dict[str, list[dict]]
    tombstones: list[dict]
    conflicts: int


class ConflictOut(Schema):
    id: UUID
    model: str
    object_id: UUID
    field: str
    base_value: object | None = None
    server_value: object | None = None
    client_value: object | None = None
    status: str
    created_at: datetime.datetime


class Choice(Schema):
    keep: str


@router.post("/sync/push", response={200: PushResult}, openapi_extra=PUSH_BODY)
def push(request):
    """Apply the phone's changes in order. A batch over SYNC_MAX_BYTES answers 413: send smaller ones."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.SYNC_MAX_BYTES:
        raise HttpError(413, _("Too much at once: send fewer changes per batch."))
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, _("The body is not valid JSON.")) from None
    if has_nul(body):
        raise HttpError(400, nul_message())
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list) or len(changes) > 200 or not all(isinstance(c, dict) for c in changes):
        raise HttpError(400, _("Send {\"changes\": [...]} with at most 200 changes."))
    answer = {"results": services.push(user=request.user, changes=changes)}
    if "since" in body:
        # The phone's last batch also asks what changed: one round trip instead of two on 2G.
        answer["pull"] = services.pull(user=request.user, since=_moment(body["since"]))
    return answer


def _moment(since):
    if since in (None, ""):
        return None
    moment = parse_datetime(str(since))
    if moment is None:
        raise HttpError(400, _("`since` must be a date and time in ISO 8601."))
    return moment


@router.get("/sync/pull", response=PullOut)
def pull(request, since: str | None = None):
    return services.pull(user=request.user, since=_moment(since))


@router.get("/sync/pages", response=list[str])
def offline_pages(request):
    """The pages of this user's scope that the app keeps for offline use."""
    return pages_for(request.user)


@router.get("/sync/conflicts", response=list[ConflictOut])
def list_conflicts(request):
    return services.conflicts_visible_to(request.user).filter(status="open")


@router.post("/sync/conflicts/{uuid:pk}", response=ConflictOut)
def resolve(request, pk: UUID, choice: Choice):
    conflict = get_object_or_404(services.conflicts_visible_to(request.user), pk=pk)
    return services.resolve_conflict(by=request.user, conflict=conflict, keep=choice.keep)
