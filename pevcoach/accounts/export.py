"""One person's data, for a data-protection request (Mali law n°2013-015): their profile, devices,
sign-ins and their coaching (relationships, sessions, goals, actions, evidence, feedback).

The person downloads it from their profile page; an administrator of their area can make it for
them. The coachee's ratings of a coach are theirs: they are in the coachee's own download, while
an administrator's copy and the coach's only count them (ratings reach others only as averages).
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from pevcoach.audit import services as audit
from pevcoach.audit.models import AuditEntry
from pevcoach.coaching import api as schemas
from pevcoach.coaching.models import RATING_FIELDS, Action, Evidence, Feedback, Goal, Relationship, Session
from pevcoach.coaching.scoring import aggregate_ratings

PROFILE = ("id", "username", "first_name", "last_name", "email", "phone", "job_title", "language", "is_active",
           "date_joined", "last_login")


def _rows(schema, queryset):
    return [schema.from_orm(obj).model_dump(mode="json") for obj in queryset]


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def personal_data(person, *, for_self):
    """A JSON-ready dict of everything PEV Coach holds about `person`."""
    relationships = Relationship.objects.filter(Q(coach=person) | Q(coachee=person))
    feedback = Feedback.objects.filter(relationship__in=relationships)
    given = feedback.filter(author=person)
    if not for_self:
        given = given.exclude(direction=Feedback.Direction.TO_COACH)
    received_ratings = feedback.filter(direction=Feedback.Direction.TO_COACH, relationship__coach=person,
                                       relationship__is_practice=False)
    unit = person.org_unit
    return {
        "generated_at": timezone.now().isoformat(),
        "profile": {name: _iso(getattr(person, name)) for name in PROFILE}
        | {"roles": [str(role) for role in person.roles],
           "org_unit": {"name": unit.name, "code": unit.code, "path": unit.path} if unit else None},
        "devices": [{"label": t.label, "created_at": _iso(t.created_at), "expires_at": _iso(t.expires_at),
                     "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
                    for t in person.api_tokens.all()],
        "sign_ins": [{"at": _iso(e.at), "action": e.action, "ip": e.ip, "user_agent": e.user_agent}
                     for e in AuditEntry.objects.filter(actor=person, action__in=["login", "logout"])[:200]],
        "relationships": _rows(schemas.RelationshipOut, relationships),
        "sessions": _rows(schemas.SessionOut, Session.objects.filter(relationship__in=relationships)),
        "goals": _rows(schemas.GoalOut, Goal.objects.filter(relationship__in=relationships)
                                                .prefetch_related("actions")),
        "actions": _rows(schemas.ActionOut, Action.objects.filter(relationship__in=relationships)),
        "evidence": _rows(schemas.EvidenceOut, Evidence.objects.filter(action__relationship__in=relationships)),
        "feedback_received": _rows(schemas.FeedbackOut, feedback.filter(
            direction=Feedback.Direction.TO_COACHEE, relationship__coachee=person)),
        "feedback_given": _rows(schemas.FeedbackOut, given),
        "ratings_given": feedback.filter(author=person, direction=Feedback.Direction.TO_COACH).count(),
        "ratings_received": {"count": received_ratings.count(),
                             "averages": aggregate_ratings(list(received_ratings.values(*RATING_FIELDS)),
                                                           RATING_FIELDS)},
    }


def export_personal_data(person, *, for_self, changes=None):
    """personal_data(), recorded in the audit trail: every export (page or command) goes through here.

    `for_self` only when the person themself asks (their ratings of coaches are then in full).
    """
    data = personal_data(person, for_self=for_self)
    audit.record(action=audit.Action.EXPORT, obj=person, changes=(changes or {}) | {"for_self": for_self})
    return data
