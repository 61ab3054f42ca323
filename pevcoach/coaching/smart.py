"""The SMART check of a goal: plain values in, one verdict per criterion out.

Criteria as taught with the GROW method (after Doran, 1981), read for immunization:
Specific (one indicator or named practice, one facility), Measurable (baseline,
target, source), Achievable (no implausible jump for the time given), Relevant
(tied to a facility problem), Time-bound (a future deadline and review dates).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

# A coverage or dropout rate that moves by more than this many percentage points
# a month is rarely real: catch-up campaigns aside, monthly coverage of a CSCom
# moves by a few points. Flag the goal so coach and coachee look again.
MAX_POINTS_PER_MONTH = Decimal(5)
MIN_POINTS_ALLOWED = Decimal(10)
# A count (zero-dose children) that falls by more than this share a month.
MAX_SHARE_PER_MONTH = Decimal("0.25")


@dataclass
class GoalDraft:
    kind: str  # "indicator" or "practice"
    has_facility: bool
    today: date
    indicator: str = ""
    indicator_kind: str = ""  # "coverage", "dropout", "count", "percent" … from the indicator catalogue
    indicator_direction: str = "up"  # "up" when a higher value is better
    practice: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    source: str = ""
    problem: str = ""
    start: date | None = None
    deadline: date | None = None
    review_dates: list = field(default_factory=list)


@dataclass
class Verdict:
    criterion: str  # S, M, A, R, T
    ok: bool
    message: str
    blocking: bool = True  # Achievable only warns: the pair may know better


def check_smart(goal: GoalDraft) -> list[Verdict]:
    return [_specific(goal), _measurable(goal), _achievable(goal), _relevant(goal), _time_bound(goal)]


def problems(verdicts):
    return [v for v in verdicts if not v.ok and v.blocking]


def _specific(goal):
    if not goal.has_facility:
        return Verdict("S", False, _("Specific: name the one health centre the goal is for."))
    if goal.kind == "indicator" and not goal.indicator:
        return Verdict("S", False, _("Specific: choose the one indicator the goal is about."))
    if goal.kind == "practice" and len(goal.practice.strip()) < 5:
        return Verdict("S", False, _("Specific: name the practice clearly (for example “fridge temperature "
                                     "recorded twice a day”)."))
    return Verdict("S", True, _("Specific: one facility, one clear subject."))


def _measurable(goal):
    missing = []
    if goal.baseline is None:
        missing.append(_("the starting value (baseline)"))
    if goal.target is None:
        missing.append(_("the value to reach (target)"))
    if not goal.source.strip():
        missing.append(_("where the number comes from (DHIS2, register, count…)"))
    if missing:
        return Verdict("M", False, _("Measurable: give %(missing)s.") % {"missing": ", ".join(missing)})
    if goal.target == goal.baseline:
        return Verdict("M", False, _("Measurable: the target equals the baseline; what should change?"))
    wrong_way = (goal.target < goal.baseline) if goal.indicator_direction == "up" else (goal.target > goal.baseline)
    if goal.kind == "indicator" and wrong_way:
        return Verdict("M", False, _("Measurable: for this indicator the target should be %(better)s than the "
                                     "baseline.") % {"better": _("higher") if goal.indicator_direction == "up"
                                                     else _("lower")})
    if goal.indicator_kind in ("coverage", "dropout", "percent") and not (0 <= goal.target <= 100):
        return Verdict("M", False, _("Measurable: a rate target lies between 0 and 100 %."))
    return Verdict("M", True, _("Measurable: baseline, target and source are given."))


def _months(goal):
    start = goal.start or goal.today
    if goal.deadline is None or goal.deadline <= start:
        return None
    return Decimal((goal.deadline - start).days) / Decimal("30.44")


def _achievable(goal):
    months = _months(goal)
    if months is None or goal.baseline is None or goal.target is None or goal.kind != "indicator":
        return Verdict("A", True, _("Achievable: agree together that the step is realistic."), blocking=False)
    gap = abs(goal.target - goal.baseline)
    if goal.indicator_kind in ("coverage", "dropout", "percent"):
        allowed = max(MIN_POINTS_ALLOWED, MAX_POINTS_PER_MONTH * months)
        if gap > allowed:
            return Verdict("A", False, _("Achievable: %(gap)s points in %(months)s months is a very large jump; "
                                         "about %(allowed)s points would be more realistic.")
                           % {"gap": _fmt(gap), "months": _fmt(months), "allowed": _fmt(allowed)}, blocking=False)
    elif goal.baseline > 0:
        share = gap / goal.baseline
        if share > min(Decimal(1), MAX_SHARE_PER_MONTH * months):
            return Verdict("A", False, _("Achievable: changing the number by %(share)s %% in %(months)s months is "
                                         "a very large step.") % {"share": _fmt(share * 100), "months": _fmt(months)},
                           blocking=False)
    return Verdict("A", True, _("Achievable: the step looks realistic for the time given."), blocking=False)


def _relevant(goal):
    if not goal.problem:
        return Verdict("R", False, _("Relevant: say which problem of the centre the goal answers (RED category, "
                                     "zero-dose children, a checklist gap…)."))
    return Verdict("R", True, _("Relevant: linked to a problem of the centre."))


def _time_bound(goal):
    if goal.deadline is None:
        return Verdict("T", False, _("Time-bound: set a deadline."))
    if goal.deadline <= goal.today:
        return Verdict("T", False, _("Time-bound: the deadline is already past; choose a future date."))
    if not goal.review_dates:
        return Verdict("T", False, _("Time-bound: plan at least one review date before the deadline."))
    late = [d for d in goal.review_dates if not (goal.today <= d <= goal.deadline)]
    if late:
        return Verdict("T", False, _("Time-bound: review dates fall between today and the deadline."))
    return Verdict("T", True, _("Time-bound: deadline and review dates are set."))


def _fmt(number):
    number = Decimal(number)
    return f"{number:.0f}" if number == number.to_integral() or number >= 10 else f"{number:.1f}"
