"""Who may see which coaching records. Pages, API, sync and exports all read through here.

The rule: coach and coachee see their relationship and everything in it; managers
and admins see the relationships whose health centre lies in their subtree;
superusers see everything; nobody else sees anything. Ratings a coachee gives
the coach are the exception: only their author reads them one by one.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from pevcoach.coaching.models import Action, Checklist, Evidence, Feedback, Goal, Relationship, Session
from pevcoach.orgunits.queries import sees_subtree


def relationships_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return Relationship.objects.none()
    if user.is_superuser:
        return Relationship.objects.all()
    mine = Q(coach=user) | Q(coachee=user)
    if sees_subtree(user) and user.org_unit_id:
        mine |= Q(org_unit__path__startswith=user.org_unit.path)
    return Relationship.objects.filter(mine)


def own_relationships(user, *, side, practice=False):
    """The relationships in which the user is the coach or the coachee (`side`), practice ones or real ones.

    By the rule above the user sees them and everything in them: pages about one's own coaching (the
    homes) read through this small set instead of the whole rule, which costs a subquery to build and
    to run on every read."""
    if not user.is_authenticated or not user.is_active:
        return Relationship.objects.none()
    return Relationship.objects.filter(**{side: user}, is_practice=practice)


def sees_all_coaching_under(user, unit):
    """Whether the user sees every relationship held in `unit`'s subtree: then what they are shown of it
    is what anyone else who oversees the whole of it is shown (dashboards may share it between them)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return sees_subtree(user) and user.org_unit_id is not None and unit.path.startswith(user.org_unit.path)


def _within(model, user):
    return model.objects.filter(relationship__in=relationships_visible_to(user))


def sessions_visible_to(user):
    return _within(Session, user)


def goals_visible_to(user):
    return _within(Goal, user)


def actions_visible_to(user):
    return _within(Action, user)


def checklists_visible_to(user):
    return _within(Checklist, user)


def evidence_visible_to(user):
    return Evidence.objects.filter(action__relationship__in=relationships_visible_to(user))


def feedback_visible_to(user):
    """Coach-to-coachee feedback to everyone who sees the relationship; ratings of the coach to their author."""
    return _within(Feedback, user).filter(
        Q(direction=Feedback.Direction.TO_COACHEE) | Q(author_id=user.pk)
    )


def support_ratings_of(coach):
    """The raw ratings a coach received, for aggregation only (never listed one by one)."""
    return Feedback.objects.filter(
        relationship__coach=coach, relationship__is_practice=False, direction=Feedback.Direction.TO_COACH
    )


def coached_units_of(user):
    """Health centres of the relationships a coach holds, which the coach may look at."""
    return Relationship.objects.filter(coach=user).exclude(status=Relationship.Status.CLOSED).values("org_unit")


def coachee_candidates_for(coach):
    """Coachees a coach may propose to: active coachees in the coach's area."""
    from pevcoach.accounts.models import User

    if coach.org_unit_id is None:
        return User.objects.none()
    return User.objects.filter(is_coachee=True, is_active=True, org_unit__path__startswith=coach.org_unit.path
                               ).exclude(pk=coach.pk).select_related("org_unit")


def coach_candidates_for(coachee):
    """Coaches a coachee may ask: active coaches working at their centre or above it."""
    from pevcoach.accounts.models import User

    if coachee.org_unit_id is None:
        return User.objects.none()
    return User.objects.filter(is_coach=True, is_active=True, org_unit_id__in=coachee.org_unit.ancestor_ids
                               ).exclude(pk=coachee.pk)


def practice_people_for(facilitator):
    """Trainees a workshop facilitator may pair: active people of the facilitator's area."""
    from pevcoach.accounts.models import User

    people = User.objects.filter(is_active=True)
    if facilitator.is_superuser:
        return people
    if facilitator.org_unit_id is None:
        return User.objects.none()
    return people.filter(org_unit__path__startswith=facilitator.org_unit.path)


# A relationship can run for years: its page shows the last year and whatever is still open, and the whole
# history on demand. Ten years of sessions and actions would make a long, slow page on a phone.
TIMELINE_DAYS = 365


def timeline(relationship, user, *, whole=False, now=None):
    """The records a relationship's page lists, and whether older ones were left out (`earlier`)."""
    since = (now or timezone.now()) - timedelta(days=TIMELINE_DAYS)
    sessions = relationship.sessions.all()
    goals = relationship.goals.prefetch_related("actions")
    actions = relationship.actions.select_related("owner").prefetch_related("evidence")
    feedback = feedback_visible_to(user).filter(relationship=relationship).select_related("author")
    checklists = relationship.checklists.select_related("template")
    if not whole:
        sessions = sessions.filter(Q(scheduled_for__gte=since) | Q(status__in=Session.STILL_OPEN))
        goals = goals.filter(Q(status=Goal.Status.ACTIVE) | Q(deadline__gte=timezone.localdate(since)))
        actions = actions.filter(Q(status__in=Action.STILL_OPEN) | Q(due_date__gte=timezone.localdate(since)))
        feedback = feedback.filter(created_at__gte=since)
        checklists = checklists.filter(created_at__gte=since)
    return {"sessions": sessions, "goals": goals, "actions": actions, "feedback": feedback,
            "checklists": checklists, "earlier": not whole and relationship.created_at < since, "whole": whole}
