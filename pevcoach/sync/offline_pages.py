"""Which pages the phone keeps for offline use: the user's own coaching, nothing of others'."""

from django.db.models import Q
from django.urls import reverse

from pevcoach.coaching.models import Action, Goal, Relationship
from pevcoach.coaching.queries import relationships_visible_to

RECENT_SESSIONS = 3


def pages_for(user):
    pages = [reverse("front:home"), reverse("coaching:list"), reverse("coaching:my_actions"),
             reverse("sync:conflicts"), reverse("accounts:profile")]
    relationships = relationships_visible_to(user).filter(Q(coach=user) | Q(coachee=user)).exclude(
        status=Relationship.Status.CLOSED).prefetch_related("sessions")
    for r in relationships:
        pages.append(reverse("coaching:relationship", args=[r.pk]))
        if r.status == Relationship.Status.ACTIVE:
            pages += [reverse(name, args=[r.pk]) for name in
                      ("coaching:record", "coaching:action_new", "coaching:goal_new", "coaching:feedback")]
        pages += [reverse("coaching:session", args=[s.pk]) for s in list(r.sessions.all())[:RECENT_SESSIONS]]
    actions = Action.objects.filter(relationship__in=relationships, status__in=[Action.Status.OPEN,
                                                                                Action.Status.PROPOSED])
    pages += [reverse("coaching:action", args=[pk]) for pk in actions.values_list("pk", flat=True)]
    goals = Goal.objects.filter(relationship__in=relationships, status=Goal.Status.ACTIVE)
    pages += [reverse("coaching:goal", args=[pk]) for pk in goals.values_list("pk", flat=True)]
    return pages
