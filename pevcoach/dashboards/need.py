"""Which coachee needs the coach first: plain facts in, a score and its reasons out. No database.

The score only orders the list; the reasons are what the coach reads ("Last session 52 days
ago", "2 overdue actions", "Penta3 coverage worsening: 84 → 76"), so a ranking never comes
without its why.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SILENCE_DAYS = (30, 45)  # days since the last session held: some need, more need
WORSENING_POINTS = 5  # an indicator that moved this many points the wrong way
BEHIND_SCHEDULE = 0.25  # a goal this far behind the straight line from baseline to target


@dataclass
class Facts:
    last_session: object = None  # date of the last session held, None when none yet
    overdue_actions: int = 0
    goals_off_track: int = 0
    worsening: list = field(default_factory=list)  # (label, before, after)
    flags: list = field(default_factory=list)  # labels of data-quality alerts
    red_category: int | None = None


def goal_off_track(*, status, start, deadline, baseline, target, latest, today):
    """True for an active goal past its deadline, or clearly behind the straight line to its target."""
    if status != "active":
        return False
    if deadline < today:
        return True
    if None in (baseline, target, latest):
        return False
    gap = float(target) - float(baseline)
    done = 1.0 if gap == 0 else (float(latest) - float(baseline)) / gap
    elapsed = (today - start).days / max((deadline - start).days, 1)
    return done < elapsed - BEHIND_SCHEDULE


def worsened(direction, before, after):
    """True when the indicator moved WORSENING_POINTS or more the wrong way."""
    if before is None or after is None or direction not in ("up", "down"):
        return False
    change = after - before
    return change <= -WORSENING_POINTS if direction == "up" else change >= WORSENING_POINTS


def _number(value):
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def assess(facts, today):
    """(score, [reasons]) for one coachee: the higher the score, the sooner to visit."""
    score, reasons = 0.0, []
    if facts.last_session is None:
        score += 3
        reasons.append(_("No session held yet"))
    else:
        days = (today - facts.last_session).days
        if days > SILENCE_DAYS[0]:
            score += 2 if days > SILENCE_DAYS[1] else 1
            reasons.append(_("Last session %(days)s days ago") % {"days": days})
    if facts.overdue_actions:
        score += min(facts.overdue_actions, 3)
        reasons.append(ngettext("%(n)s overdue action", "%(n)s overdue actions", facts.overdue_actions)
                       % {"n": facts.overdue_actions})
    if facts.goals_off_track:
        score += 2 * facts.goals_off_track
        reasons.append(ngettext("%(n)s goal off track", "%(n)s goals off track", facts.goals_off_track)
                       % {"n": facts.goals_off_track})
    for label, before, after in facts.worsening:
        score += 1.5
        reasons.append(_("%(indicator)s worsening: %(before)s → %(after)s") % {
            "indicator": label, "before": _number(before), "after": _number(after)})
    for label in facts.flags:
        score += 1
        reasons.append(_("Data-quality alert: %(flag)s") % {"flag": label})
    if facts.red_category == 4:
        score += 1
        reasons.append(_("RED category 4: poor access and poor use"))
    return score, reasons
