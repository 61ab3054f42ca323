"""What the home page shows a coachee and a coach, composed from coaching and indicators.

Fixed numbers of queries: the coachee's home reads a few rows of their own coaching and their
centre's figures in one batch; the coach's home reads every coachee's facts by GROUP BY and all
their centres' figures in one batch. Practice relationships stay out of both.
"""

from collections import Counter

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.coaching.models import Action, Feedback, Goal, Relationship, Session
from pevcoach.coaching.queries import own_relationships
from pevcoach.dashboards import charts, need
from pevcoach.dashboards.queries import HELD, latest_month, load_figures, window
from pevcoach.indicators import catalogue, figures_cache
from pevcoach.indicators.compute import add_months
from pevcoach.orgunits.queries import leaves_among

KEY_CODES = ["COV_PENTA1", "COV_PENTA3", "COV_RR1", "DOR_P1P3", "ZD_EST"]
WATCHED = ["COV_PENTA1", "COV_PENTA3", "COV_RR1", "DOR_P1P3"]  # worsening ones raise a coachee's need
FLAGS = ["DQ_NEG_DOR", "DQ_COV_GT100"]
OPEN = Action.STILL_OPEN
PERCENT_KINDS = ("coverage", "dropout", "percent")


def red_label(category):
    return {
        1: _("Category 1: good access, good use"),
        2: _("Category 2: good access, poor use"),
        3: _("Category 3: poor access, good use"),
        4: _("Category 4: poor access, poor use"),
    }.get(category, _("No RED category (not enough data)"))


def month_label(month):
    return f"{month % 100:02d}/{month // 100 % 100:02d}"


def key_indicators(unit):
    """The centre's key indicators over the last 12 months with data, each with its monthly sparkline
    (worked out once per import: figures_cache.py)."""
    return figures_cache.remember("key_indicators", unit.pk, compute=lambda: _key_indicators(unit))


def _key_indicators(unit):
    leaves = leaves_among([unit])
    last = latest_month([unit], leaves)
    if last is None:
        return None
    months = window(last, 12)
    codes = KEY_CODES + ["RED_CAT"]
    figures = load_figures([unit], months, codes, leaves)
    year = figures.values(unit.pk, months, codes)
    rows = []
    for code in KEY_CODES:
        indicator = catalogue.get(code)
        monthly = figures.monthly(unit.pk, months, code)
        value = year[code]["value"]
        known = [v for v in monthly if v is not None]
        title = _("%(indicator)s month by month, %(first)s to %(last)s") % {
            "indicator": indicator.label, "first": month_label(months[0]), "last": month_label(last)}
        if known:
            title += " : " + _("from %(start)s to %(end)s") % {"start": round(known[0]), "end": round(known[-1])}
        rows.append({"code": code, "label": str(indicator.label), "value": value, "monthly": monthly,
                     "percent": indicator.kind in PERCENT_KINDS, "good": indicator.meets_threshold(value),
                     "spark": charts.sparkline(monthly, title=title)})
    red = year["RED_CAT"]["value"]
    table = [{"month": month_label(m), "values": [row["monthly"][i] for row in rows]} for i, m in enumerate(months)]
    return {"rows": rows, "red": red, "red_label": red_label(red), "table": table,
            "period": f"{month_label(months[0])}–{month_label(last)}"}


def coachee_home(user):
    """The coachee's goals, actions, next session, feedback and centre's figures."""
    today = timezone.localdate()
    mine = Q(relationship_id__in=list(own_relationships(user, side="coachee").values_list("pk", flat=True)))
    actions = Action.objects.filter(mine, owner=user, status__in=OPEN)
    counts = actions.aggregate(open=Count("id"), overdue=Count("id", filter=Q(status=Action.Status.OPEN,
                                                                             due_date__lt=today)))
    return {
        "goals": list(Goal.objects.filter(mine, status=Goal.Status.ACTIVE).prefetch_related("actions")
                      .order_by("deadline")[:6]),
        "actions": list(actions.order_by("due_date")[:6]),
        "action_counts": counts,
        "next_session": Session.objects.filter(mine, status=Session.Status.PLANNED, scheduled_for__gte=timezone.now(
            )).select_related("relationship__coach").order_by("scheduled_for").first(),
        # Coach-to-coachee feedback only: the coachee's own ratings of the coach are not shown back here.
        "feedback": list(Feedback.objects.filter(mine, direction=Feedback.Direction.TO_COACHEE).select_related(
            "author")[:2]),
        "indicators": key_indicators(user.org_unit) if user.org_unit_id else None,
        "today": today,
    }


# --- The coach's home -------------------------------------------------------------------------------

def _indicator_facts(units):
    """{unit id: ([(label, before, after)] worsening, [flag labels], RED category)} over the last 2 quarters,
    worked out once per import."""
    return figures_cache.remember("coach_facts", sorted(u.pk for u in units), compute=lambda: _work_out_facts(units))


def work_out_coach_facts():
    """Every coach's facts about their centres, in each language, as their home first asks for them after
    an import (a worker does it when the app servers share a cache: dashboards/tasks.py)."""
    from django.conf import settings
    from django.utils import translation

    coached_by = {}
    for r in Relationship.objects.filter(status=Relationship.Status.ACTIVE, is_practice=False).select_related(
            "org_unit"):
        coached_by.setdefault(r.coach_id, []).append(r)
    for relationships in coached_by.values():
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                _indicator_facts(_centres_of(relationships))


def _centres_of(relationships):
    """The health centres of the relationships, each once: those the coach's home has facts about."""
    return list({r.org_unit_id: r.org_unit for r in relationships}.values())


def _work_out_facts(units):
    leaves = leaves_among(units)
    last = latest_month(units, leaves)
    if last is None:
        return {}
    recent, earlier = window(last, 3), window(add_months(last, -3), 3)
    codes = WATCHED + FLAGS + ["RED_CAT"]
    figures = load_figures(units, earlier + recent, codes, leaves)
    facts = {}
    for unit in units:
        now, then = figures.values(unit.pk, recent, codes), figures.values(unit.pk, earlier, WATCHED)
        worse = [(str(catalogue.get(code).label), then[code]["value"], now[code]["value"]) for code in WATCHED
                 if need.worsened(catalogue.get(code).direction, then[code]["value"], now[code]["value"])]
        flags = [str(catalogue.get(code).label) for code in FLAGS if now[code]["value"]]
        facts[unit.pk] = (worse, flags, now["RED_CAT"]["value"])
    return facts


def coach_home(user):
    """The coach's coachees sorted by need, each with its facts and reasons, and the sessions to come."""
    today = timezone.localdate()
    every = list(own_relationships(user, side="coach").select_related("coachee", "org_unit"))
    relationships = [r for r in every if r.status == Relationship.Status.ACTIVE]
    ids = [r.pk for r in relationships]
    last = dict(Session.objects.filter(relationship_id__in=ids, status__in=HELD).values_list(
        "relationship_id").annotate(last=Max("scheduled_for")).order_by())
    overdue = dict(Action.objects.filter(relationship_id__in=ids, status=Action.Status.OPEN, due_date__lt=today
                                         ).values_list("relationship_id").annotate(n=Count("id")).order_by())
    off_track = Counter(
        goal.relationship_id for goal in Goal.objects.filter(relationship_id__in=ids, status=Goal.Status.ACTIVE).only(
            "relationship_id", "status", "start_date", "deadline", "baseline_value", "target_value", "latest_value")
        if need.goal_off_track(status=goal.status, start=goal.start_date, deadline=goal.deadline,
                               baseline=goal.baseline_value, target=goal.target_value, latest=goal.latest_value,
                               today=today))
    units = _centres_of(relationships)
    figures = _indicator_facts(units) if units else {}
    rows = []
    for r in relationships:
        worse, flags, red = figures.get(r.org_unit_id, ([], [], None))
        facts = need.Facts(last_session=timezone.localdate(last[r.pk]) if r.pk in last else None,
                           overdue_actions=overdue.get(r.pk, 0), goals_off_track=off_track[r.pk],
                           worsening=worse, flags=flags, red_category=red)
        score, reasons = need.assess(facts, today)
        rows.append({"r": r, "facts": facts, "score": score, "reasons": reasons})
    rows.sort(key=lambda row: (-row["score"], str(row["r"].coachee)))
    upcoming = Session.objects.filter(
        relationship_id__in=[r.pk for r in every], status=Session.Status.PLANNED,
        scheduled_for__gte=timezone.now()).select_related("relationship__coachee").order_by("scheduled_for")[:5]
    return {"coachees": rows, "visit_next": [row for row in rows if row["score"] > 0][:3],
            "upcoming": list(upcoming), "today": today}

