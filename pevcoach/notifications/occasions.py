"""What is due, and what to say: each function returns the occasions to notify at a moment.

An Occasion names its recipient, its kind, the object and the occasion (a date, a version,
a week) that together make it unique, plus a `compose()` that writes title and message
in the recipient's language. Windows are bounded (an action overdue for more than a week
is left to the weekly digest), so switching reminders on never floods anyone.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pevcoach.coaching.models import Action, Evidence, Goal, Relationship, Session
from pevcoach.notifications.models import Kind
from pevcoach.notifications.timing import at, local

GOAL_WARNING_DAYS = 7
OVERDUE_WINDOW_DAYS = 7
EVIDENCE_WINDOW_DAYS = 14
PROPOSAL_WINDOW_DAYS = 30
QUIET_RELATIONSHIP_DAYS = 30  # a coachee with no session for this long needs attention


@dataclass
class Occasion:
    recipient: object
    kind: str
    object_id: str
    occasion: str
    url: str
    compose: callable = field(repr=False)  # () -> (title, body), called in the recipient's language
    is_practice: bool = False
    expires_at: datetime.datetime | None = None


def _date(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _time(moment):
    return formats.time_format(local(moment), "H:i")


def _short(text, length=60):
    return Truncator(" ".join(text.split())).chars(length)


def _morning(now):
    return local(now).hour >= settings.NOTIFY_MORNING_HOUR


def due(now):
    """Every reminder due at `now` (the weekly and monthly digests have their own jobs)."""
    found = list(proposals(now)) + list(evidence(now))
    if _morning(now):
        found += list(sessions(now)) + list(actions(now)) + list(goals(now))
    return found


# --- Sessions ----------------------------------------------------------------------------------

def sessions(now):
    today = local(now).date()
    rows = Session.objects.filter(
        status=Session.Status.PLANNED, relationship__status=Relationship.Status.ACTIVE, scheduled_for__gte=now,
        scheduled_for__lt=at(today + datetime.timedelta(days=2), datetime.time()),
    ).select_related("relationship__coach", "relationship__coachee")
    for session in rows:
        day = local(session.scheduled_for).date()
        kind = Kind.SESSION_TODAY if day == today else Kind.SESSION_TOMORROW
        relationship = session.relationship
        for person in (relationship.coach, relationship.coachee):
            # "Tomorrow" is wrong once that day has come (say, held back by the quiet hours overnight).
            expires_at = session.scheduled_for if kind == Kind.SESSION_TODAY else at(day, datetime.time())
            yield Occasion(person, kind, str(session.pk), day.isoformat(),
                           reverse("coaching:session", args=[session.pk]),
                           _session_text(kind, session, relationship.other_party(person)),
                           relationship.is_practice, expires_at=expires_at)


def _session_text(kind, session, other):
    def compose():
        values = {"time": _time(session.scheduled_for), "name": other, "date": _date(local(session.scheduled_for)),
                  "mode": session.get_mode_display()}
        if kind == Kind.SESSION_TODAY:
            title = _("Coaching session today at %(time)s with %(name)s") % values
        else:
            title = _("Coaching session tomorrow at %(time)s with %(name)s") % values
        body = _("Your coaching session with %(name)s is planned on %(date)s at %(time)s (%(mode)s).") % values
        if session.place:
            body += " " + _("Place: %(place)s.") % {"place": session.place}
        return title, body
    return compose


# --- Actions -------------------------------------------------------------------------------------

def actions(now):
    today = local(now).date()
    open_actions = Action.objects.filter(status=Action.Status.OPEN, relationship__status=Relationship.Status.ACTIVE
                                         ).select_related("owner", "relationship__coach", "relationship__coachee")
    soon = open_actions.filter(due_date__gte=today + datetime.timedelta(days=1),
                               due_date__lte=today + datetime.timedelta(days=2))
    late = open_actions.filter(due_date__lt=today, due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS))
    for kind, rows in ((Kind.ACTION_DUE_SOON, soon), (Kind.ACTION_OVERDUE, late)):
        for action in rows:
            relationship = action.relationship
            yield Occasion(action.owner, kind, str(action.pk), action.due_date.isoformat(),
                           reverse("coaching:action", args=[action.pk]),
                           _action_text(kind, action, relationship.other_party(action.owner)),
                           relationship.is_practice)


def _action_text(kind, action, other):
    def compose():
        values = {"date": _date(action.due_date), "action": _short(action.description), "name": other}
        if kind == Kind.ACTION_DUE_SOON:
            return (_("Action due on %(date)s: %(action)s") % values,
                    _("Your action \"%(action)s\" is due on %(date)s. Mark it done or add evidence.") % values)
        return (_("Action overdue since %(date)s: %(action)s") % values,
                _("Your action \"%(action)s\" was due on %(date)s. Mark it done, or agree a new date with "
                  "%(name)s.") % values)
    return compose


# --- Goals, evidence, proposals --------------------------------------------------------------------

def goals(now):
    today = local(now).date()
    rows = Goal.objects.filter(
        status=Goal.Status.ACTIVE, relationship__status=Relationship.Status.ACTIVE, deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=GOAL_WARNING_DAYS),
    ).select_related("relationship__coach", "relationship__coachee")
    for goal in rows:
        relationship = goal.relationship
        for person in (relationship.coach, relationship.coachee):
            yield Occasion(person, Kind.GOAL_DEADLINE, str(goal.pk), goal.deadline.isoformat(),
                           reverse("coaching:goal", args=[goal.pk]),
                           _goal_text(goal, relationship.other_party(person)), relationship.is_practice)


def _goal_text(goal, other):
    def compose():
        values = {"date": _date(goal.deadline), "goal": _short(goal.statement), "name": other}
        return (_("Goal deadline on %(date)s: %(goal)s") % values,
                _("The goal \"%(goal)s\" reaches its deadline on %(date)s. Review it with %(name)s.") % values)
    return compose


def evidence(now):
    rows = Evidence.objects.filter(
        review=Evidence.Review.PENDING, created_at__gte=now - datetime.timedelta(days=EVIDENCE_WINDOW_DAYS),
        action__relationship__status=Relationship.Status.ACTIVE,
    ).select_related("submitted_by", "action__relationship__coach", "action__relationship__coachee")
    for item in rows:
        relationship = item.action.relationship
        if relationship.party_of(item.submitted_by) is None:
            continue
        reviewer = relationship.other_party(item.submitted_by)
        yield Occasion(reviewer, Kind.EVIDENCE_TO_REVIEW, str(item.pk), "pending",
                       reverse("coaching:action", args=[item.action_id]),
                       _evidence_text(item), relationship.is_practice)


def _evidence_text(item):
    def compose():
        values = {"name": item.submitted_by, "action": _short(item.action.description)}
        return (_("%(name)s sent evidence to review") % values,
                _("%(name)s sent evidence for the action \"%(action)s\". Accept it, or return it with a "
                  "comment.") % values)
    return compose


def proposals(now):
    rows = Relationship.objects.filter(
        status=Relationship.Status.PROPOSED, updated_at__gte=now - datetime.timedelta(days=PROPOSAL_WINDOW_DAYS),
    ).select_related("coach", "coachee", "proposed_by")
    for relationship in rows:
        for side in ("coach", "coachee"):
            if getattr(relationship, f"{side}_accepted_at"):
                continue
            person = getattr(relationship, side)
            yield Occasion(person, Kind.PROPOSAL_WAITING, str(relationship.pk), f"v{relationship.version}",
                           reverse("coaching:relationship", args=[relationship.pk]),
                           _proposal_text(relationship.other_party(person)), relationship.is_practice)


def _proposal_text(other):
    def compose():
        values = {"name": other}
        return (_("%(name)s proposes a coaching relationship") % values,
                _("%(name)s proposes a coaching relationship. Read the agreement, then accept it or close "
                  "it.") % values)
    return compose


# --- Digests -----------------------------------------------------------------------------------------

def weekly_digests(now, week):
    """Each coach whose coachees need attention: overdue actions, evidence to review, no recent session."""
    today = local(now).date()
    quiet_since = now - datetime.timedelta(days=QUIET_RELATIONSHIP_DAYS)
    held = [Session.Status.HELD, Session.Status.COMPLETED]
    rows = Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, is_practice=False, coach__is_active=True,
    ).annotate(
        overdue=Count("actions", filter=Q(actions__status=Action.Status.OPEN, actions__due_date__lt=today),
                      distinct=True),
        to_review=Count("actions__evidence", filter=Q(actions__evidence__review=Evidence.Review.PENDING)
                        & ~Q(actions__evidence__submitted_by=F("coach")), distinct=True),
        last_session=Max("sessions__scheduled_for", filter=Q(sessions__status__in=held)),
        next_session=Min("sessions__scheduled_for", filter=Q(sessions__status=Session.Status.PLANNED,
                                                              sessions__scheduled_for__gte=now)),
    ).select_related("coach", "coachee").order_by("coach_id", "coachee__last_name")
    by_coach = {}
    for r in rows:
        silent = r.next_session is None and (r.last_session is None or r.last_session < quiet_since)
        if r.overdue or r.to_review or silent:
            by_coach.setdefault(r.coach, []).append((r, silent))
    for coach, items in by_coach.items():
        yield Occasion(coach, Kind.WEEKLY_DIGEST, "coach", week, reverse("coaching:list"), _digest_text(items))


def _digest_text(items):
    def compose():
        title = ngettext("Coaching this week: %(count)d coachee needs attention",
                         "Coaching this week: %(count)d coachees need attention", len(items)) % {"count": len(items)}
        lines = []
        for r, silent in items:
            reasons = []
            if r.overdue:
                reasons.append(ngettext("%(n)d action overdue", "%(n)d actions overdue", r.overdue) % {"n": r.overdue})
            if r.to_review:
                reasons.append(ngettext("%(n)d evidence to review", "%(n)d pieces of evidence to review",
                                        r.to_review) % {"n": r.to_review})
            if silent:
                reasons.append(_("no session for %(days)d days and none planned") % {"days": QUIET_RELATIONSHIP_DAYS})
            lines.append(f"- {r.coachee}: {', '.join(reasons)}")
        return title, "\n".join(lines)
    return compose


def monthly_summaries(now, month):
    """Each manager: last month's coaching in their area, in a few numbers."""
    from pevcoach.accounts.models import User

    start = datetime.date.fromisoformat(f"{month}-01")
    previous = (start - datetime.timedelta(days=1)).replace(day=1)
    begin, end = at(previous, datetime.time()), at(start, datetime.time())
    today = local(now).date()
    for manager in User.objects.filter(is_manager=True, is_active=True, org_unit__isnull=False
                                       ).select_related("org_unit"):
        relationships = Relationship.objects.filter(is_practice=False,
                                                    org_unit__path__startswith=manager.org_unit.path)
        stats = relationships.aggregate(
            active=Count("pk", filter=Q(status=Relationship.Status.ACTIVE), distinct=True),
            completed=Count("sessions", filter=Q(sessions__status=Session.Status.COMPLETED,
                                                sessions__scheduled_for__gte=begin,
                                                sessions__scheduled_for__lt=end), distinct=True),
            follow_ups=Count("sessions", filter=Q(sessions__status=Session.Status.COMPLETED,
                                                  sessions__is_follow_up=True, sessions__scheduled_for__gte=begin,
                                                  sessions__scheduled_for__lt=end), distinct=True),
        )
        actions_of = Action.objects.filter(relationship__in=relationships)
        stats["done"] = actions_of.filter(status=Action.Status.DONE, completed_at__gte=begin,
                                          completed_at__lt=end).count()
        stats["overdue"] = actions_of.filter(status=Action.Status.OPEN, due_date__lt=today).count()
        if not (stats["active"] or stats["completed"] or stats["done"]):
            continue
        yield Occasion(manager, Kind.MONTHLY_SUMMARY, "area", month, reverse("coaching:list"),
                       _summary_text(manager.org_unit, previous, stats))


def _summary_text(unit, month, stats):
    def compose():
        values = {"unit": unit, "month": formats.date_format(month, "F Y")} | stats
        title = _("Coaching in %(unit)s, %(month)s") % values
        body = "\n".join([
            _("Sessions completed: %(completed)d (of which remote follow-ups: %(follow_ups)d)") % values,
            _("Actions done: %(done)d") % values,
            _("Actions overdue today: %(overdue)d") % values,
            _("Active coaching relationships: %(active)d") % values,
        ])
        return title, body
    return compose
