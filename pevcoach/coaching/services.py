"""Every write of the coaching process. Pages, API, sync and the demo call these and nothing else.

Each function checks that the person acting stands where the rule needs them
(coach, coachee, either party) and that the input makes sense, then writes in
one transaction. Errors are ValidationError with a plain message.
"""

import datetime
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.audit import services as audit
from pevcoach.coaching import scoring, smart
from pevcoach.coaching.models import (
    RATING_FIELDS,
    STAGE_ORDER,
    Action,
    Checklist,
    ChecklistAnswer,
    ChecklistItem,
    Evidence,
    Feedback,
    Goal,
    Relationship,
    RelationshipEvent,
    Session,
)

R = Relationship.Status
EVIDENCE_MAX_UPLOAD = 8 * 1024 * 1024  # a raw phone photo; anything bigger is refused
EVIDENCE_MAX_STORED = 200 * 1024  # what is kept and sent over 2G: the phone already resizes to this


def _require_party(user, relationship, side=None):
    party = relationship.party_of(user)
    if party is None or (side and party != side):
        raise PermissionDenied


def _require_active(relationship):
    if relationship.status != R.ACTIVE:
        raise ValidationError(_("This coaching relationship is not active."))


def _log(relationship, by, note=""):
    RelationshipEvent.objects.create(relationship=relationship, by=by, status=relationship.status, note=note)


def _save(obj, *, creating=False):
    before = None if creating else audit.snapshot(obj)
    if not creating:
        obj.touch()
    obj.full_clean()
    obj.save()
    audit.record_change(obj, before=before, creating=creating)
    return obj


# --- Relationships --------------------------------------------------------------

@transaction.atomic
def propose_relationship(*, by, coach, coachee, aims, rhythm, ways_of_working="", is_practice=False,
                         org_unit=None, id=None):
    """A coach proposes, or a coachee requests; proposing accepts the agreement on one's own side."""
    if by.pk not in (coach.pk, coachee.pk) and not is_practice:
        raise PermissionDenied
    if coach.pk == coachee.pk:
        raise ValidationError(_("Coach and coachee must be two different people."))
    if not is_practice and not coach.is_coach:
        raise ValidationError(_("%(name)s is not a coach.") % {"name": coach})
    if not (aims or "").strip() or not (rhythm or "").strip():
        raise ValidationError(_("Write the aims and the rhythm of the sessions: both of you agree on them."))
    unit = org_unit or coachee.org_unit
    if unit is None:
        raise ValidationError(_("The coachee has no health centre in their profile."))
    if Relationship.objects.filter(coach=coach, coachee=coachee, is_practice=is_practice,
                                   status__in=[R.PROPOSED, R.ACTIVE, R.PAUSED]).exists():
        raise ValidationError(_("These two people already have a coaching relationship."))
    now = timezone.now()
    relationship = Relationship(
        coach=coach, coachee=coachee, org_unit=unit, proposed_by=by, aims=aims.strip(), rhythm=rhythm.strip(),
        ways_of_working=ways_of_working.strip(), is_practice=is_practice,
        coach_accepted_at=now if by.pk == coach.pk else None,
        coachee_accepted_at=now if by.pk == coachee.pk else None,
    )
    if id:
        relationship.id = id
    _save(relationship, creating=True)
    _log(relationship, by, _("Proposed"))
    return relationship


@transaction.atomic
def accept_relationship(*, by, relationship):
    _require_party(by, relationship)
    if relationship.status != R.PROPOSED:
        raise ValidationError(_("Only a proposed relationship can be accepted."))
    setattr(relationship, f"{relationship.party_of(by)}_accepted_at", timezone.now())
    if relationship.coach_accepted_at and relationship.coachee_accepted_at:
        relationship.status = R.ACTIVE
    _save(relationship)
    _log(relationship, by, _("Agreement accepted"))
    return relationship


@transaction.atomic
def update_agreement(*, by, relationship, aims, rhythm, ways_of_working=""):
    """Changing the agreement asks the other side to accept it again."""
    _require_party(by, relationship)
    if relationship.status == R.CLOSED:
        raise ValidationError(_("A closed relationship cannot change."))
    relationship.aims, relationship.rhythm, relationship.ways_of_working = aims, rhythm, ways_of_working
    other = "coachee" if relationship.party_of(by) == "coach" else "coach"
    setattr(relationship, f"{other}_accepted_at", None)
    setattr(relationship, f"{relationship.party_of(by)}_accepted_at", timezone.now())
    relationship.status = R.PROPOSED
    _save(relationship)
    _log(relationship, by, _("Agreement changed"))
    return relationship


ALLOWED_MOVES = {R.ACTIVE: {R.PAUSED, R.CLOSED}, R.PAUSED: {R.ACTIVE, R.CLOSED}, R.PROPOSED: {R.CLOSED}}


@transaction.atomic
def change_relationship_status(*, by, relationship, status, note=""):
    _require_party(by, relationship)
    if status not in ALLOWED_MOVES.get(relationship.status, set()):
        raise ValidationError(_("This change of status is not possible."))
    relationship.status = status
    _save(relationship)
    _log(relationship, by, note)
    return relationship


# --- Sessions -------------------------------------------------------------------

@transaction.atomic
def schedule_session(*, by, relationship, scheduled_for, mode, place="", is_follow_up=False, id=None):
    _require_party(by, relationship)
    _require_active(relationship)
    session = Session(relationship=relationship, scheduled_for=scheduled_for, mode=mode, place=place,
                      is_follow_up=is_follow_up, created_by=by)
    if id:
        session.id = id
    return _save(session, creating=True)


@transaction.atomic
def save_stage_notes(*, by, session, stage, notes):
    _require_party(by, session.relationship)
    if stage not in STAGE_ORDER:
        raise ValidationError(_("Unknown GROW stage."))
    if not session.is_open:
        raise ValidationError(_("This session is closed."))
    setattr(session, f"{stage}_notes", notes.strip())
    return _save(session)


@transaction.atomic
def update_session(*, by, session, **fields):
    """Edit a session's plan or notes (API, sync); completion goes through complete_session."""
    _require_party(by, session.relationship)
    if not session.is_open:
        raise ValidationError(_("This session is closed."))
    for name in ("scheduled_for", "mode", "place", "goal_notes", "reality_notes", "options_notes", "will_notes",
                 "summary"):
        if name in fields:
            setattr(session, name, fields[name])
    return _save(session)


@transaction.atomic
def complete_session(*, by, session, summary):
    """One party closes the session with a summary; it is completed once the other confirms."""
    _require_party(by, session.relationship)
    if not session.is_open:
        raise ValidationError(_("This session is closed."))
    empty = [str(stage.label) for stage in STAGE_ORDER if not session.notes_for(stage).strip()]
    if empty:
        raise ValidationError(_("Write notes for every GROW stage before closing the session. Missing: %(stages)s.")
                              % {"stages": ", ".join(empty)})
    if not (summary or "").strip():
        raise ValidationError(_("Write a short summary of the session."))
    session.summary = summary.strip()
    session.status = Session.Status.HELD
    setattr(session, f"{session.relationship.party_of(by)}_confirmed_at", timezone.now())
    _finish_if_both_confirmed(session)
    return _save(session)


@transaction.atomic
def confirm_session(*, by, session):
    _require_party(by, session.relationship)
    if session.status != Session.Status.HELD:
        raise ValidationError(_("Only a held session waits for confirmation."))
    setattr(session, f"{session.relationship.party_of(by)}_confirmed_at", timezone.now())
    _finish_if_both_confirmed(session)
    return _save(session)


def _finish_if_both_confirmed(session):
    if session.coach_confirmed_at and session.coachee_confirmed_at:
        session.status = Session.Status.COMPLETED


@transaction.atomic
def record_session_not_held(*, by, session, status, reason):
    _require_party(by, session.relationship)
    if status not in (Session.Status.MISSED, Session.Status.CANCELLED):
        raise ValidationError(_("Choose missed or cancelled."))
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("Only a planned session can be missed or cancelled."))
    if not (reason or "").strip():
        raise ValidationError(_("Say why the session did not take place."))
    session.status, session.not_held_reason = status, reason.strip()
    return _save(session)


# --- Goals ------------------------------------------------------------------------

def goal_draft(*, relationship, fields, today=None):
    """Build the SMART check's input from goal fields (a dict as forms and API give it)."""
    from pevcoach.coaching.indicator_link import indicator_info

    info = indicator_info(fields.get("indicator") or "")
    return smart.GoalDraft(
        kind=fields.get("kind") or Goal.Kind.INDICATOR, has_facility=relationship.org_unit_id is not None,
        today=today or timezone.localdate(), indicator=fields.get("indicator") or "",
        indicator_kind=info["kind"] if info else "", indicator_direction=info["direction"] if info else "up",
        practice=fields.get("practice") or "", baseline=_decimal(fields.get("baseline_value")),
        target=_decimal(fields.get("target_value")), source=fields.get("source") or "",
        problem=fields.get("problem") or "",
        start=fields.get("start_date"), deadline=fields.get("deadline"),
        review_dates=[_as_date(d) for d in fields.get("review_dates") or []],
    )


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def _as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _stored_dates(values):
    """Review dates are kept in JSON as sorted ISO strings."""
    return sorted({_as_date(v).isoformat() for v in values or []})


GOAL_FIELDS = ("kind", "statement", "indicator", "practice", "baseline_value", "baseline_period", "target_value",
               "source", "problem", "problem_note", "start_date", "deadline", "review_dates")


def _check_goal(relationship, fields):
    from pevcoach.coaching.indicator_link import indicator_info

    if fields.get("kind") == Goal.Kind.INDICATOR and fields.get("indicator") and not indicator_info(
            fields["indicator"]):
        raise ValidationError({"indicator": _("Unknown indicator.")})
    if not (fields.get("statement") or "").strip():
        raise ValidationError({"statement": _("Write the goal in one sentence.")})
    blocking = smart.problems(smart.check_smart(goal_draft(relationship=relationship, fields=fields)))
    if blocking:
        raise ValidationError([v.message for v in blocking])


@transaction.atomic
def set_goal(*, by, relationship, session=None, id=None, **fields):
    _require_party(by, relationship)
    _require_active(relationship)
    fields = {k: v for k, v in fields.items() if k in GOAL_FIELDS}
    fields["review_dates"] = _stored_dates(fields.get("review_dates"))
    fields.setdefault("start_date", timezone.localdate())
    _check_goal(relationship, fields)
    goal = Goal(relationship=relationship, session=session, org_unit=relationship.org_unit, created_by=by, **fields)
    if id:
        goal.id = id
    _save(goal, creating=True)
    from pevcoach.coaching.indicator_link import refresh_goals

    refresh_goals([goal])
    return goal


@transaction.atomic
def store_goal_progress(goals):
    """Save the latest value and month that `refresh_goals` set on these goals.

    Progress is read from the figures, not an edit: the version stays (a phone's pending edit of the
    goal is no conflict), but updated_at moves so the phones' next pull brings the new progress.
    One plain UPDATE per goal, sent together: bulk_update's CASE expressions took 1.5 s for 2,000 goals.
    """
    if not goals:
        return
    now = timezone.now()
    fields = [Goal._meta.get_field(name) for name in ("latest_value", "latest_period", "updated_at")]
    key = Goal._meta.pk
    rows = [[field.get_db_prep_save(value, connection) for field, value in
             zip(fields, (goal.latest_value, goal.latest_period, now), strict=True)]
            + [key.get_db_prep_value(goal.pk, connection)] for goal in goals]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Goal._meta.db_table} SET latest_value = %s, latest_period = %s, "  # noqa: S608
                           "updated_at = %s WHERE id = %s", rows)
    for goal in goals:
        goal.updated_at = now


def update_goal(*, by, goal, **fields):
    _require_party(by, goal.relationship)
    status = fields.pop("status", None)
    changes = {k: v for k, v in fields.items() if k in GOAL_FIELDS}
    if "review_dates" in changes:
        changes["review_dates"] = _stored_dates(changes["review_dates"])
    if changes:
        merged = {name: getattr(goal, name) for name in GOAL_FIELDS} | changes
        # A goal being reviewed keeps its past deadline check relative to its own dates.
        _check_goal(goal.relationship, merged)
        for name, value in changes.items():
            setattr(goal, name, value)
    if status:
        if status not in Goal.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        goal.status = status
    return _save(goal)


# --- Actions ----------------------------------------------------------------------

def _check_action(relationship, owner, due_date, description, *, today=None):
    if owner.pk not in (relationship.coach_id, relationship.coachee_id):
        raise ValidationError({"owner": _("The action belongs to the coach or the coachee.")})
    if due_date < (today or timezone.localdate()):
        raise ValidationError({"due_date": _("The due date is already past.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})


@transaction.atomic
def assign_action(*, by, relationship, description, owner, due_date, session=None, goal=None, id=None,
                  status=Action.Status.OPEN, checklist_answer=None):
    _require_party(by, relationship)
    _require_active(relationship)
    _check_action(relationship, owner, due_date, description)
    for linked in (session, goal):
        if linked is not None and linked.relationship_id != relationship.pk:
            raise ValidationError(_("The session or goal belongs to another relationship."))
    action = Action(relationship=relationship, description=description.strip(), owner=owner, due_date=due_date,
                    session=session, goal=goal, status=status, created_by=by, checklist_answer=checklist_answer)
    if id:
        action.id = id
    return _save(action, creating=True)


@transaction.atomic
def update_action(*, by, action, **fields):
    """Edit an action (description, owner, due date, status, note); either party may."""
    _require_party(by, action.relationship)
    status = fields.get("status", action.status)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    owner = fields.get("owner", action.owner)
    due_date = fields.get("due_date", action.due_date)
    description = fields.get("description", action.description)
    if (owner, due_date, description) != (action.owner, action.due_date, action.description):
        # A due date already past stays acceptable when it is not being changed.
        today = min(timezone.localdate(), action.due_date) if due_date == action.due_date else None
        _check_action(action.relationship, owner, due_date, description, today=today)
    action.owner, action.due_date, action.description = owner, due_date, description.strip()
    if "completion_note" in fields:
        action.completion_note = (fields["completion_note"] or "").strip()
    if status != action.status:
        action.completed_at = timezone.now() if status == Action.Status.DONE else None
        action.status = status
    return _save(action)


def complete_action(*, by, action, note=""):
    return update_action(by=by, action=action, status=Action.Status.DONE, completion_note=note)


def decide_proposed_action(*, by, action, accept, **changes):
    """A checklist gap proposed this action: the pair keeps it (maybe edited) or drops it."""
    if action.status != Action.Status.PROPOSED:
        raise ValidationError(_("This action was already decided."))
    status = Action.Status.OPEN if accept else Action.Status.DROPPED
    return update_action(by=by, action=action, status=status, **(changes if accept else {}))


# --- Evidence ---------------------------------------------------------------------

def _shrink_photo(upload):
    """Check the upload is an image and keep it under EVIDENCE_MAX_STORED bytes as JPEG."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > EVIDENCE_MAX_UPLOAD:
        raise ValidationError({"photo": _("The photo is too large (more than 8 MB).")})
    data = upload.read()
    try:
        Image.open(io.BytesIO(data)).verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"photo": _("This file is not a photo (JPEG, PNG or WebP).")}) from None
    if len(data) <= EVIDENCE_MAX_STORED and image.format in ("JPEG", "PNG", "WEBP"):
        return ContentFile(data, name=upload.name)
    image = image.convert("RGB")
    side, quality = 1280, 80
    while True:
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= EVIDENCE_MAX_STORED or side < 200:
            return ContentFile(out.getvalue(), name="evidence.jpg")
        side, quality = int(side * 0.75), max(50, quality - 10)


@transaction.atomic
def add_evidence(*, by, action, photo=None, note="", id=None):
    _require_party(by, action.relationship)
    if photo is None and not (note or "").strip():
        raise ValidationError(_("Add a photo or a note as evidence."))
    evidence = Evidence(action=action, note=(note or "").strip(), submitted_by=by)
    if id:
        evidence.id = id
    if photo is not None:
        content = _shrink_photo(photo)
        evidence.photo.save(content.name, content, save=False)
    return _save(evidence, creating=True)


@transaction.atomic
def review_evidence(*, by, evidence, accepted, comment=""):
    """The other side reviews: accepted, or returned with a comment."""
    _require_party(by, evidence.action.relationship)
    if by.pk == evidence.submitted_by_id:
        raise ValidationError(_("The other party reviews the evidence, not its author."))
    if not accepted and not (comment or "").strip():
        raise ValidationError({"review_comment": _("Say what is missing when returning evidence.")})
    evidence.review = Evidence.Review.ACCEPTED if accepted else Evidence.Review.RETURNED
    evidence.review_comment, evidence.reviewed_by, evidence.reviewed_at = comment.strip(), by, timezone.now()
    return _save(evidence)


@transaction.atomic
def withdraw_evidence(*, by, evidence):
    """Its author takes back evidence not yet reviewed (a wrong photo); phones holding it drop it."""
    if by.pk != evidence.submitted_by_id:
        raise PermissionDenied
    if evidence.review != Evidence.Review.PENDING:
        raise ValidationError(_("Reviewed evidence stays on record."))
    from pevcoach.sync.services import bury

    bury("evidence", evidence, evidence.action.relationship)
    audit.record(action=audit.Action.DELETE, obj=evidence, actor=by, changes={"note": [evidence.note, None]})
    evidence.photo.delete(save=False)
    evidence.delete()


# --- Feedback -----------------------------------------------------------------------

@transaction.atomic
def give_feedback(*, by, relationship, what_works, to_improve="", request="", session=None, id=None):
    """Constructive feedback from coach to coachee: start with what works."""
    _require_party(by, relationship, "coach")
    if not (what_works or "").strip():
        raise ValidationError({"what_works": _("Start with what works.")})
    feedback = Feedback(relationship=relationship, session=session, direction=Feedback.Direction.TO_COACHEE,
                        author=by, what_works=what_works.strip(), to_improve=(to_improve or "").strip(),
                        request=(request or "").strip())
    if id:
        feedback.id = id
    return _save(feedback, creating=True)


@transaction.atomic
def rate_support(*, by, relationship, session=None, comment="", id=None, **ratings):
    """The coachee rates the session and the support received, 1 to 5."""
    _require_party(by, relationship, "coachee")
    for name in RATING_FIELDS:
        value = ratings.get(name)
        if value is None or not 1 <= int(value) <= 5:
            raise ValidationError({name: _("Give a mark from 1 to 5.")})
    feedback = Feedback(relationship=relationship, session=session, direction=Feedback.Direction.TO_COACH,
                        author=by, comment=(comment or "").strip(), **{n: int(ratings[n]) for n in RATING_FIELDS})
    if id:
        feedback.id = id
    return _save(feedback, creating=True)


@transaction.atomic
def edit_feedback(*, by, feedback, **fields):
    """Only the author corrects their own words; ratings are not changed after the fact."""
    if by.pk != feedback.author_id:
        raise PermissionDenied
    for name in ("what_works", "to_improve", "request", "comment"):
        if name in fields:
            setattr(feedback, name, (fields[name] or "").strip())
    if feedback.direction == Feedback.Direction.TO_COACHEE and not feedback.what_works:
        raise ValidationError({"what_works": _("Start with what works.")})
    return _save(feedback)


# --- Checklists ---------------------------------------------------------------------

@transaction.atomic
def fill_checklist(*, by, relationship, template, answers, session=None, id=None, language="fr"):
    """Record a supervision checklist; every 'partly' or 'no' proposes an action to agree on.

    answers: {item id: (score, comment)} covering every item of the template.
    """
    _require_party(by, relationship, "coach")
    _require_active(relationship)
    if session is not None and session.mode != Session.Mode.IN_PERSON:
        raise ValidationError(_("A checklist is filled on an in-person visit."))
    items = {item.pk: item for item in ChecklistItem.objects.filter(section__template=template)
             .select_related("section")}
    missing = set(items) - set(answers)
    if missing:
        raise ValidationError(_("Score every item (%(n)d left).") % {"n": len(missing)})
    checklist = Checklist(relationship=relationship, session=session, template=template, filled_by=by)
    if id:
        checklist.id = id
    _save(checklist, creating=True)
    rows = []
    for item_id, (score, comment) in answers.items():
        if item_id not in items or (score not in scoring.SCORE_POINTS and score != "na"):
            raise ValidationError(_("Unknown checklist item or score."))
        rows.append(ChecklistAnswer(checklist=checklist, item=items[item_id], score=score, comment=comment or ""))
    ChecklistAnswer.objects.bulk_create(rows)
    _score_and_propose(checklist, by=by, language=language)
    return checklist


def _score_and_propose(checklist, *, by, language):
    answers = list(checklist.answers.select_related("item__section"))
    _, total = scoring.checklist_scores((a.item.section_id, a.score) for a in answers)
    checklist.score_percent = total
    checklist.save(update_fields=["score_percent"])
    due = timezone.localdate() + datetime.timedelta(days=30)
    already = set(Action.objects.filter(checklist_answer__checklist=checklist).values_list("checklist_answer",
                                                                                             flat=True))
    relationship = checklist.relationship
    for answer in answers:
        if scoring.needs_action(answer.score) and answer.pk not in already:
            proposed = Action.objects.create(
                relationship=relationship, session=checklist.session, checklist_answer=answer,
                owner=relationship.coachee, description=answer.item.suggested_action(language), due_date=due,
                status=Action.Status.PROPOSED, created_by=by,
            )
            audit.record_change(proposed, creating=True, actor=by)


@transaction.atomic
def rescore_checklist(*, by, checklist, answers, language="fr"):
    """Correct scores or comments; a newly failing item proposes its action too."""
    _require_party(by, checklist.relationship, "coach")
    stored = {a.item_id: a for a in checklist.answers.all()}
    changed = {}
    for item_id, (score, comment) in answers.items():
        if item_id not in stored or (score not in scoring.SCORE_POINTS and score != "na"):
            raise ValidationError(_("Unknown checklist item or score."))
        if (stored[item_id].score, stored[item_id].comment) != (score, comment or ""):
            changed[f"item {item_id}"] = [stored[item_id].score, score]
        stored[item_id].score, stored[item_id].comment = score, comment or ""
    ChecklistAnswer.objects.bulk_update(stored.values(), ["score", "comment"])
    checklist.touch()
    checklist.save(update_fields=["updated_at", "version"])
    audit.record(action=audit.Action.UPDATE, obj=checklist, actor=by, changes=changed)
    _score_and_propose(checklist, by=by, language=language)
    return checklist


# --- Remote follow-up -----------------------------------------------------------------------

@transaction.atomic
def record_follow_up(*, by, relationship, note, action_updates, id=None):
    """The coach records a phone follow-up between visits; it counts as a completed remote session.

    action_updates: {action (or its id): {"done": True} or {"due_date": date}} for open actions
    of the relationship that were reviewed; an action left out, or kept with its date, stays as it is.
    The record is the coach's account of a call that already took place, so it is created completed
    and confirmed by the coach alone: asking the coachee to confirm a phone call would add a step
    (and a data bill) for nothing, and the coachee sees it on the relationship's timeline.
    """
    _require_party(by, relationship, "coach")
    _require_active(relationship)
    if not (note or "").strip():
        raise ValidationError({"note": _("Write a short note on the call.")})
    open_actions = {str(a.pk): a for a in relationship.actions.filter(status=Action.Status.OPEN)}
    changes = []
    for key, update in (action_updates or {}).items():
        action = open_actions.get(str(getattr(key, "pk", key)))
        if action is None:
            raise ValidationError(_("Only open actions of this relationship can be reviewed."))
        changes.append((action, update or {}))
    now = timezone.now()
    session = Session(relationship=relationship, scheduled_for=now, mode=Session.Mode.PHONE, is_follow_up=True,
                      status=Session.Status.COMPLETED, coach_confirmed_at=now, created_by=by)
    if id:
        session.id = id
    lines = []
    for action, update in changes:
        if update.get("done"):
            update_action(by=by, action=action, status=Action.Status.DONE,
                          completion_note=_("Reviewed by phone on %(date)s.") % {"date": timezone.localdate()})
            lines.append(_("Done: %(action)s") % {"action": action.description})
        elif update.get("due_date") and update["due_date"] != action.due_date:
            update_action(by=by, action=action, due_date=update["due_date"])
            lines.append(_("New due date %(date)s: %(action)s") % {"date": update["due_date"],
                                                                   "action": action.description})
    session.summary = "\n".join([note.strip(), *lines])
    return _save(session, creating=True)
