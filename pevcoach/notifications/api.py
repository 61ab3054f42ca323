"""In-app notifications over JSON: /api/v1/notifications. Each person reads only their own."""

import datetime
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from pevcoach.notifications import services
from pevcoach.notifications.queries import notifications_of, unread_count

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: UUID
    kind: str
    title: str
    body: str
    url: str
    is_practice: bool
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class CountOut(Schema):
    count: int


@router.get("/notifications", response=list[NotificationOut])
def list_notifications(request, unread: bool = False, limit: int = Query(50, ge=1, le=200),  # noqa: B008
                       offset: int = Query(0, ge=0, le=10_000_000)):  # noqa: B008 - bounded: a huge one broke the query
    """The newest first, `limit` at a time (at most 200): a plain list, as the phone reads it."""
    qs = notifications_of(request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs[offset:offset + limit]


@router.get("/notifications/unread-count", response=CountOut)
def count_unread(request):
    return {"count": unread_count(request.user)}


@router.post("/notifications/read-all", response=CountOut)
def read_all(request):
    return {"count": services.mark_all_read(by=request.user)}


@router.post("/notifications/{uuid:pk}/read", response=NotificationOut)
def read_one(request, pk: UUID):
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    return services.mark_read(by=request.user, notification=notification)
