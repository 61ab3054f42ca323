"""Coaching over JSON: /api/v1/relationships, sessions, goals, actions, evidence, feedback, checklists.

Same rules as the pages: reads through the query functions, writes through the
services. Creates take a client-generated UUID and are idempotent (contract C4).
"""

import base64
import binascii
import datetime
from decimal import Decimal
from typing import ClassVar, Literal
from uuid import UUID

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from pevcoach.accounts.models import User
from pevcoach.api.idempotency import existing_or_conflict
from pevcoach.api.types import DbId, Measure
from pevcoach.coaching import services
from pevcoach.coaching.models import (
    Action,
    Checklist,
    ChecklistAnswer,
    ChecklistTemplate,
    Evidence,
    Feedback,
    Goal,
    Question,
    Relationship,
    Session,
)
from pevcoach.coaching.queries import (
    actions_visible_to,
    checklists_visible_to,
    evidence_visible_to,
    feedback_visible_to,
    goals_visible_to,
    relationships_visible_to,
    sessions_visible_to,
)
from pevcoach.coaching.views import evidence_photo_response

router = Router(tags=["coaching"])


class CreateIn(Schema):
    """Base of create payloads: an optional client id; unknown and server-managed fields are ignored."""

    id: UUID | None = None

    @classmethod
    def from_record(cls, obj):
        values = {}
        for name in cls.model_fields:
            field = obj._meta.get_field(name) if name in {f.name for f in obj._meta.get_fields()} else None
            values[name] = getattr(obj, field.attname) if field is not None and field.is_relation else getattr(
                obj, name, None)
        return cls.model_validate(values)


def _visible_relationship(request, pk):
    return get_object_or_404(relationships_visible_to(request.user), pk=pk)


def _in_relationship(relationship, model, pk):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, relationship=relationship).first()
    if obj is None:
        raise HttpError(400, _("The linked record does not belong to this relationship."))
    return obj


# --- Relationships ---------------------------------------------------------------------------

class RelationshipIn(CreateIn):
    coach: DbId
    coachee: DbId
    aims: str = Field(min_length=1, max_length=5000)
    rhythm: str = Field(min_length=1, max_length=200)
    ways_of_working: str = Field("", max_length=5000)


class RelationshipOut(Schema):
    id: UUID
    coach: int = Field(alias="coach_id")
    coachee: int = Field(alias="coachee_id")
    org_unit: int = Field(alias="org_unit_id")
    status: str
    aims: str
    rhythm: str
    ways_of_working: str
    coach_accepted_at: datetime.datetime | None
    coachee_accepted_at: datetime.datetime | None
    is_practice: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class RelationshipPatch(Schema):
    status: Literal["active", "paused", "closed"] | None = None
    accept: bool | None = None
    aims: str | None = Field(None, min_length=1, max_length=5000)
    rhythm: str | None = Field(None, min_length=1, max_length=200)
    ways_of_working: str | None = Field(None, max_length=5000)


@router.get("/relationships", response=list[RelationshipOut])
def list_relationships(request, status: Literal["proposed", "active", "paused", "closed"] | None = None):
    qs = relationships_visible_to(request.user)
    return qs.filter(status=status) if status else qs


@router.post("/relationships", response={200: RelationshipOut, 201: RelationshipOut})
def create_relationship(request, payload: RelationshipIn):
    existing = existing_or_conflict(Relationship, payload, RelationshipIn,
                                    visible=relationships_visible_to(request.user))
    if existing:
        return 200, existing
    people = {u.pk: u for u in User.objects.filter(pk__in=[payload.coach, payload.coachee], is_active=True)}
    if payload.coach not in people or payload.coachee not in people:
        raise HttpError(400, _("Unknown coach or coachee."))
    return 201, services.propose_relationship(
        by=request.user, coach=people[payload.coach], coachee=people[payload.coachee], aims=payload.aims,
        rhythm=payload.rhythm, ways_of_working=payload.ways_of_working, id=payload.id)


@router.get("/relationships/{uuid:pk}", response=RelationshipOut)
def get_relationship(request, pk: UUID):
    return _visible_relationship(request, pk)


@router.api_operation(["PATCH", "PUT"], "/relationships/{uuid:pk}", response=RelationshipOut)
def update_relationship(request, pk: UUID, payload: RelationshipPatch):
    relationship = _visible_relationship(request, pk)
    if payload.aims is not None or payload.rhythm is not None or payload.ways_of_working is not None:
        relationship = services.update_agreement(
            by=request.user, relationship=relationship, aims=payload.aims or relationship.aims,
            rhythm=payload.rhythm or relationship.rhythm,
            ways_of_working=payload.ways_of_working if payload.ways_of_working is not None
            else relationship.ways_of_working)
    if payload.accept:
        relationship = services.accept_relationship(by=request.user, relationship=relationship)
    if payload.status and payload.status != relationship.status:
        relationship = services.change_relationship_status(by=request.user, relationship=relationship,
                                                           status=payload.status)
    return relationship


# --- Sessions ------------------------------------------------------------------------------------

NOTES = Field("", max_length=20000)


class SessionIn(CreateIn):
    relationship: UUID
    scheduled_for: datetime.datetime
    mode: Literal["in_person", "phone", "video"] = "in_person"
    place: str = Field("", max_length=200)
    goal_notes: str = NOTES
    reality_notes: str = NOTES
    options_notes: str = NOTES
    will_notes: str = NOTES


class SessionOut(Schema):
    id: UUID
    relationship: UUID = Field(alias="relationship_id")
    scheduled_for: datetime.datetime
    mode: str
    place: str
    status: str
    goal_notes: str
    reality_notes: str
    options_notes: str
    will_notes: str
    summary: str
    is_follow_up: bool
    not_held_reason: str
    coach_confirmed_at: datetime.datetime | None
    coachee_confirmed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class SessionPatch(Schema):
    scheduled_for: datetime.datetime | None = None
    mode: Literal["in_person", "phone", "video"] | None = None
    place: str | None = Field(None, max_length=200)
    goal_notes: str | None = Field(None, max_length=20000)
    reality_notes: str | None = Field(None, max_length=20000)
    options_notes: str | None = Field(None, max_length=20000)
    will_notes: str | None = Field(None, max_length=20000)
    summary: str | None = Field(None, max_length=5000)
    complete: bool | None = None
    confirm: bool | None = None
    not_held: Literal["missed", "cancelled"] | None = None
    not_held_reason: str | None = Field(None, max_length=2000)


@router.get("/sessions", response=list[SessionOut])
def list_sessions(request, relationship: UUID | None = None):
    qs = sessions_visible_to(request.user)
    return qs.filter(relationship_id=relationship) if relationship else qs


@router.post("/sessions", response={200: SessionOut, 201: SessionOut})
def create_session(request, payload: SessionIn):
    existing = existing_or_conflict(Session, payload, SessionIn, visible=sessions_visible_to(request.user))
    if existing:
        return 200, existing
    relationship = _visible_relationship(request, payload.relationship)
    session = services.schedule_session(by=request.user, relationship=relationship, id=payload.id,
                                        scheduled_for=payload.scheduled_for, mode=payload.mode, place=payload.place)
    notes = {k: v for k, v in payload.model_dump().items() if k.endswith("_notes") and v}
    if notes:
        session = services.update_session(by=request.user, session=session, **notes)
    return 201, session


@router.get("/sessions/{uuid:pk}", response=SessionOut)
def get_session(request, pk: UUID):
    return get_object_or_404(sessions_visible_to(request.user), pk=pk)


@router.api_operation(["PATCH", "PUT"], "/sessions/{uuid:pk}", response=SessionOut)
def update_session(request, pk: UUID, payload: SessionPatch):
    session = get_object_or_404(sessions_visible_to(request.user).select_related("relationship"), pk=pk)
    changes = payload.model_dump(exclude_unset=True, exclude={"complete", "confirm", "not_held",
                                                              "not_held_reason"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes and session.is_open:
        session = services.update_session(by=request.user, session=session, **changes)
    if payload.not_held:
        session = services.record_session_not_held(by=request.user, session=session, status=payload.not_held,
                                                   reason=payload.not_held_reason or "")
    if payload.complete:
        session = services.complete_session(by=request.user, session=session,
                                            summary=payload.summary or session.summary)
    if payload.confirm:
        session = services.confirm_session(by=request.user, session=session)
    return session


# --- Goals ------------------------------------------------------------------------------------------

class GoalIn(CreateIn):
    relationship: UUID
    session: UUID | None = None
    kind: Literal["indicator", "practice"] = "indicator"
    statement: str = Field(min_length=1, max_length=2000)
    indicator: str = Field("", max_length=30)
    practice: str = Field("", max_length=300)
    baseline_value: Measure | None = None
    baseline_period: str = Field("", max_length=20)
    target_value: Measure | None = None
    source: str = Field("", max_length=100)
    problem: Literal["", "red", "zero_dose", "dropout", "checklist", "data_quality", "other"] = ""
    problem_note: str = Field("", max_length=300)
    start_date: datetime.date | None = None
    deadline: datetime.date
    review_dates: list[datetime.date] = Field(default_factory=list, max_length=24)


class GoalOut(Schema):
    id: UUID
    relationship: UUID = Field(alias="relationship_id")
    session: UUID | None = Field(alias="session_id")
    org_unit: int = Field(alias="org_unit_id")
    kind: str
    statement: str
    indicator: str
    practice: str
    baseline_value: Decimal | None
    baseline_period: str
    target_value: Decimal | None
    source: str
    problem: str
    problem_note: str
    start_date: datetime.date
    deadline: datetime.date
    review_dates: list[datetime.date]
    status: str
    latest_value: Decimal | None
    latest_period: str
    progress: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class GoalPatch(Schema):
    statement: str | None = Field(None, min_length=1, max_length=2000)
    target_value: Measure | None = None
    deadline: datetime.date | None = None
    review_dates: list[datetime.date] | None = Field(None, max_length=24)
    status: Literal["active", "achieved", "not_achieved", "dropped"] | None = None


@router.get("/goals", response=list[GoalOut])
def list_goals(request, relationship: UUID | None = None):
    qs = goals_visible_to(request.user).prefetch_related("actions")  # a practice goal's progress counts them
    return qs.filter(relationship_id=relationship) if relationship else qs


@router.post("/goals", response={200: GoalOut, 201: GoalOut})
def create_goal(request, payload: GoalIn):
    existing = existing_or_conflict(Goal, payload, GoalIn, visible=goals_visible_to(request.user))
    if existing:
        return 200, existing
    relationship = _visible_relationship(request, payload.relationship)
    fields = payload.model_dump(exclude={"id", "relationship", "session"})
    if fields["start_date"] is None:
        del fields["start_date"]
    return 201, services.set_goal(by=request.user, relationship=relationship, id=payload.id,
                                  session=_in_relationship(relationship, Session, payload.session), **fields)


@router.get("/goals/{uuid:pk}", response=GoalOut)
def get_goal(request, pk: UUID):
    return get_object_or_404(goals_visible_to(request.user), pk=pk)


@router.api_operation(["PATCH", "PUT"], "/goals/{uuid:pk}", response=GoalOut)
def update_goal(request, pk: UUID, payload: GoalPatch):
    goal = get_object_or_404(goals_visible_to(request.user).select_related("relationship"), pk=pk)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.update_goal(by=request.user, goal=goal, **changes)


# --- Actions ---------------------------------------------------------------------------------------

class ActionIn(CreateIn):
    relationship: UUID
    session: UUID | None = None
    goal: UUID | None = None
    description: str = Field(min_length=1, max_length=2000)
    owner: DbId
    due_date: datetime.date


class ActionOut(Schema):
    id: UUID
    relationship: UUID = Field(alias="relationship_id")
    session: UUID | None = Field(alias="session_id")
    goal: UUID | None = Field(alias="goal_id")
    description: str
    owner: int = Field(alias="owner_id")
    due_date: datetime.date
    status: str
    completion_note: str
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class ActionPatch(Schema):
    description: str | None = Field(None, min_length=1, max_length=2000)
    owner: DbId | None = None
    due_date: datetime.date | None = None
    status: Literal["proposed", "open", "done", "dropped"] | None = None
    completion_note: str | None = Field(None, max_length=2000)


@router.get("/actions", response=list[ActionOut])
def list_actions(request, relationship: UUID | None = None,
                 status: Literal["proposed", "open", "done", "dropped"] | None = None):
    qs = actions_visible_to(request.user)
    if relationship:
        qs = qs.filter(relationship_id=relationship)
    return qs.filter(status=status) if status else qs


def _party(relationship, user_id):
    if user_id not in (relationship.coach_id, relationship.coachee_id):
        raise HttpError(400, _("The action belongs to the coach or the coachee."))
    return relationship.coach if user_id == relationship.coach_id else relationship.coachee


@router.post("/actions", response={200: ActionOut, 201: ActionOut})
def create_action(request, payload: ActionIn):
    existing = existing_or_conflict(Action, payload, ActionIn, visible=actions_visible_to(request.user))
    if existing:
        return 200, existing
    relationship = _visible_relationship(request, payload.relationship)
    return 201, services.assign_action(
        by=request.user, relationship=relationship, id=payload.id, description=payload.description,
        owner=_party(relationship, payload.owner), due_date=payload.due_date,
        session=_in_relationship(relationship, Session, payload.session),
        goal=_in_relationship(relationship, Goal, payload.goal))


@router.get("/actions/{uuid:pk}", response=ActionOut)
def get_action(request, pk: UUID):
    return get_object_or_404(actions_visible_to(request.user), pk=pk)


@router.api_operation(["PATCH", "PUT"], "/actions/{uuid:pk}", response=ActionOut)
def update_action(request, pk: UUID, payload: ActionPatch):
    action = get_object_or_404(actions_visible_to(request.user).select_related("relationship"), pk=pk)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    if "owner" in changes:
        changes["owner"] = _party(action.relationship, changes["owner"])
    return services.update_action(by=request.user, action=action, **changes)


# --- Evidence -------------------------------------------------------------------------------------

class EvidenceIn(CreateIn):
    not_compared: ClassVar = ("photo_base64",)

    action: UUID
    note: str = Field("", max_length=2000)
    photo_base64: str | None = Field(None, max_length=12_000_000,
                                     description="The photo as base64 (or a data: URL); the phone resizes it first.")

    @classmethod
    def from_record(cls, obj):
        return cls(action=obj.action_id, note=obj.note)


class EvidenceOut(Schema):
    id: UUID
    action: UUID = Field(alias="action_id")
    note: str
    photo_url: str | None
    submitted_by: int = Field(alias="submitted_by_id")
    review: str
    review_comment: str
    reviewed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_photo_url(obj):
        # Served by an endpoint that checks who asks (bearer token or session), never as a public file.
        return reverse("api:evidence_photo", args=[obj.pk]) if obj.photo else None


class EvidencePatch(Schema):
    review: Literal["accepted", "returned"]
    review_comment: str = Field("", max_length=2000)


def _decode_photo(data):
    if data is None:
        return None
    if data.startswith("data:"):
        data = data.partition(",")[2]
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(400, _("The photo is not valid base64.")) from None
    return SimpleUploadedFile("evidence", raw)


@router.get("/evidence", response=list[EvidenceOut])
def list_evidence(request, action: UUID | None = None):
    qs = evidence_visible_to(request.user)
    return qs.filter(action_id=action) if action else qs


@router.post("/evidence", response={200: EvidenceOut, 201: EvidenceOut})
def create_evidence(request, payload: EvidenceIn):
    existing = existing_or_conflict(Evidence, payload, EvidenceIn, visible=evidence_visible_to(request.user))
    if existing:
        return 200, existing
    action = get_object_or_404(actions_visible_to(request.user).select_related("relationship"), pk=payload.action)
    return 201, services.add_evidence(by=request.user, action=action, id=payload.id, note=payload.note,
                                      photo=_decode_photo(payload.photo_base64))


@router.get("/evidence/{uuid:pk}", response=EvidenceOut)
def get_evidence(request, pk: UUID):
    return get_object_or_404(evidence_visible_to(request.user), pk=pk)


@router.get("/evidence/{uuid:pk}/photo", url_name="evidence_photo", openapi_extra={"responses": {200: {
    "description": "The photo (JPEG, PNG or WebP).",
    "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}}})
def get_evidence_photo(request, pk: UUID):
    """The evidence's photo, to those who may see the evidence; 404 for others or when it has none."""
    return evidence_photo_response(request.user, pk)


@router.api_operation(["PATCH", "PUT"], "/evidence/{uuid:pk}", response=EvidenceOut)
def review_evidence(request, pk: UUID, payload: EvidencePatch):
    evidence = get_object_or_404(evidence_visible_to(request.user).select_related("action__relationship"), pk=pk)
    return services.review_evidence(by=request.user, evidence=evidence, accepted=payload.review == "accepted",
                                    comment=payload.review_comment)


# --- Feedback ---------------------------------------------------------------------------------------

class FeedbackIn(CreateIn):
    relationship: UUID
    session: UUID | None = None
    what_works: str = Field("", max_length=5000)
    to_improve: str = Field("", max_length=5000)
    request: str = Field("", max_length=5000)
    session_useful: int | None = Field(None, ge=1, le=5)
    listened_to: int | None = Field(None, ge=1, le=5)
    support_received: int | None = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=5000)


class FeedbackOut(Schema):
    id: UUID
    relationship: UUID = Field(alias="relationship_id")
    session: UUID | None = Field(alias="session_id")
    direction: str
    author: int = Field(alias="author_id")
    what_works: str
    to_improve: str
    request: str
    session_useful: int | None
    listened_to: int | None
    support_received: int | None
    comment: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class FeedbackPatch(Schema):
    what_works: str | None = Field(None, max_length=5000)
    to_improve: str | None = Field(None, max_length=5000)
    request: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)


@router.get("/feedback", response=list[FeedbackOut])
def list_feedback(request, relationship: UUID | None = None):
    qs = feedback_visible_to(request.user)
    return qs.filter(relationship_id=relationship) if relationship else qs


@router.post("/feedback", response={200: FeedbackOut, 201: FeedbackOut})
def create_feedback(request, payload: FeedbackIn):
    existing = existing_or_conflict(Feedback, payload, FeedbackIn, visible=feedback_visible_to(request.user))
    if existing:
        return 200, existing
    relationship = _visible_relationship(request, payload.relationship)
    session = _in_relationship(relationship, Session, payload.session)
    if relationship.party_of(request.user) == "coach":
        return 201, services.give_feedback(by=request.user, relationship=relationship, session=session,
                                           id=payload.id, what_works=payload.what_works,
                                           to_improve=payload.to_improve, request=payload.request)
    return 201, services.rate_support(by=request.user, relationship=relationship, session=session, id=payload.id,
                                      comment=payload.comment, session_useful=payload.session_useful,
                                      listened_to=payload.listened_to, support_received=payload.support_received)


@router.get("/feedback/{uuid:pk}", response=FeedbackOut)
def get_feedback(request, pk: UUID):
    return get_object_or_404(feedback_visible_to(request.user), pk=pk)


@router.api_operation(["PATCH", "PUT"], "/feedback/{uuid:pk}", response=FeedbackOut)
def update_feedback(request, pk: UUID, payload: FeedbackPatch):
    feedback = get_object_or_404(feedback_visible_to(request.user).select_related("relationship"), pk=pk)
    return services.edit_feedback(by=request.user, feedback=feedback,
                                  **{k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None})


# --- Checklists ---------------------------------------------------------------------------------------

class AnswerIn(Schema):
    item: DbId
    score: Literal["yes", "partly", "no", "na"]
    comment: str = Field("", max_length=300)


class ChecklistIn(CreateIn):
    relationship: UUID
    session: UUID | None = None
    template: DbId
    answers: list[AnswerIn] = Field(max_length=500)

    @classmethod
    def from_record(cls, obj):
        return cls(relationship=obj.relationship_id, session=obj.session_id, template=obj.template_id,
                   answers=[AnswerIn(item=a.item_id, score=a.score, comment=a.comment) for a in obj.answers.all()])


class AnswerOut(Schema):
    item: int = Field(alias="item_id")
    score: str
    comment: str


class ChecklistOut(Schema):
    id: UUID
    relationship: UUID = Field(alias="relationship_id")
    session: UUID | None = Field(alias="session_id")
    template: int = Field(alias="template_id")
    score_percent: Decimal | None
    answers: list[AnswerOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())


class ChecklistPatch(Schema):
    answers: list[AnswerIn] = Field(max_length=500)


class ItemOut(Schema):
    id: int
    text_fr: str
    text_en: str


class SectionOut(Schema):
    id: int
    title_fr: str
    title_en: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class TemplateOut(Schema):
    id: int
    name: str
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj):
        return list(obj.sections.all())


class QuestionOut(Schema):
    id: int
    stage: str
    text_fr: str
    text_en: str


def _answers(payload_answers):
    return {a.item: (a.score, a.comment) for a in payload_answers}


@router.get("/checklists", response=list[ChecklistOut])
def list_checklists(request, relationship: UUID | None = None):
    qs = checklists_visible_to(request.user).prefetch_related(
        Prefetch("answers", queryset=ChecklistAnswer.objects.order_by("pk")))
    return qs.filter(relationship_id=relationship) if relationship else qs


@router.post("/checklists", response={200: ChecklistOut, 201: ChecklistOut})
def create_checklist(request, payload: ChecklistIn):
    existing = existing_or_conflict(Checklist, payload, ChecklistIn, visible=checklists_visible_to(request.user))
    if existing:
        return 200, existing
    relationship = _visible_relationship(request, payload.relationship)
    template = get_object_or_404(ChecklistTemplate, pk=payload.template)
    return 201, services.fill_checklist(
        by=request.user, relationship=relationship, template=template, id=payload.id,
        session=_in_relationship(relationship, Session, payload.session), answers=_answers(payload.answers),
        language=request.user.language)


@router.get("/checklists/{uuid:pk}", response=ChecklistOut)
def get_checklist(request, pk: UUID):
    return get_object_or_404(checklists_visible_to(request.user), pk=pk)


@router.api_operation(["PATCH", "PUT"], "/checklists/{uuid:pk}", response=ChecklistOut)
def update_checklist(request, pk: UUID, payload: ChecklistPatch):
    checklist = get_object_or_404(checklists_visible_to(request.user).select_related("relationship"), pk=pk)
    return services.rescore_checklist(by=request.user, checklist=checklist, answers=_answers(payload.answers),
                                      language=request.user.language)


@router.get("/checklist-templates", response=list[TemplateOut])
def list_templates(request):
    return ChecklistTemplate.objects.filter(is_active=True).prefetch_related("sections__items")


@router.get("/questions", response=list[QuestionOut])
def list_questions(request):
    return Question.objects.filter(is_active=True)
