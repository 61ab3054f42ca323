"""Where coaching meets the immunization figures: goal progress and the GROW Reality stage.

The indicators app knows nothing of coaching; it calls `refresh_goals_after_import`
through its after-import hooks (registered in apps.py).
"""

from pevcoach.indicators import catalogue

# Indicators a goal can be about: rates and counts a CSCom can act on, not flags or categories.
GOAL_KINDS = ("coverage", "dropout", "count", "percent")
# The figures shown at the Reality stage of a session.
REALITY_CODES = ["COV_PENTA1", "COV_PENTA3", "COV_RR1", "DOR_P1P3", "ZD_EST", "SESS_HELD", "STOCKOUT",
                 "DQ_COMPLETE"]
REALITY_FLAGS = ["DQ_NEG_DOR", "DQ_COV_GT100"]


def indicator_info(code):
    indicator = catalogue.get(code) if code else None
    if indicator is None or indicator.kind not in GOAL_KINDS:
        return None
    return {"kind": indicator.kind, "direction": indicator.direction, "label": indicator.label}


def indicator_choices():
    return [(i.code, i.label) for i in catalogue.INDICATORS if i.kind in GOAL_KINDS]


def _month_back(period, months):
    year, month = int(period[:4]), int(period[4:])
    index = year * 12 + month - 1 - months
    return f"{index // 12}{index % 12 + 1:02d}"


def reality_indicators(org_unit):
    """The centre's key indicators over the last 3 and 12 months with data, RED category and flags."""
    from pevcoach.indicators.queries import latest_period_with_data

    last = latest_period_with_data(org_unit)
    if last is None:
        return None
    short_start, long_start = _month_back(last, 2), _month_back(last, 11)
    short = _values_between(org_unit, short_start, last)
    long = _values_between(org_unit, long_start, last)
    rows = [{"code": code, "label": catalogue.get(code).label, "short": short.get(code), "long": long.get(code)}
            for code in REALITY_CODES + ["RED_CAT"]]
    flags = [str(catalogue.get(code).label) for code in REALITY_FLAGS if short.get(code) or long.get(code)]
    return {"rows": rows, "flags": flags, "short_period": f"{short_start}–{last}",
            "long_period": f"{long_start}–{last}"}


def _values_between(org_unit, first, last):
    from pevcoach.indicators.queries import indicator_values_between

    values = indicator_values_between(org_unit, first, last, REALITY_CODES + REALITY_FLAGS + ["RED_CAT"])
    return {row["indicator"]: row["value"] for row in values}


def refresh_goal(goal):
    """Store the latest value of an indicator goal and the period it comes from."""
    from pevcoach.indicators.queries import indicator_values, latest_period_with_data

    if goal.kind != "indicator" or not goal.indicator:
        return goal
    last = latest_period_with_data(goal.org_unit)
    if last is None:
        return goal
    rows = indicator_values(goal.org_unit, last, [goal.indicator])
    value = rows[0]["value"] if rows else None
    if value is not None:
        goal.latest_value, goal.latest_period = round(value, 2), last
        goal.save(update_fields=["latest_value", "latest_period"])
    return goal


def refresh_goals_after_import(log=None):
    """After each import, bring every active indicator goal up to date."""
    from pevcoach.coaching.models import Goal

    for goal in Goal.objects.filter(status=Goal.Status.ACTIVE, kind="indicator").select_related("org_unit"):
        refresh_goal(goal)
