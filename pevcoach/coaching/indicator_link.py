"""Where coaching meets the immunization figures: goal progress and the GROW Reality stage.

The indicators app knows nothing of coaching; it calls `refresh_goals_after_import`
through its after-import hooks (registered in apps.py).
"""

from decimal import Decimal

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


def refresh_goals(goals):
    """Store the latest value of indicator goals and the month it comes from (their unit's latest month
    with doses): a few queries per distinct latest month (nearly always one), not per goal.

    One goal at a time cost five queries each: half a minute after a national import with 2,000
    active goals (bench/national.py). The figures come from the dashboards' batched reader, which
    computes exactly what `indicator_values` does (tests/dashboards/test_figures.py).
    """
    from pevcoach.dashboards.queries import load_figures
    from pevcoach.indicators.queries import latest_periods_with_data
    from pevcoach.orgunits.queries import leaves_among

    goals = [g for g in goals if g.kind == "indicator" and g.indicator and catalogue.get(g.indicator)]
    units = list({g.org_unit_id: g.org_unit for g in goals}.values())
    leaves = leaves_among(units)
    latest = latest_periods_with_data(units, leaves)
    by_month = {}
    for unit in units:
        if unit.pk in latest:
            by_month.setdefault(int(latest[unit.pk]), []).append(unit)
    changed = []
    for month, group in by_month.items():
        members = {u.pk for u in group}
        mine = [g for g in goals if g.org_unit_id in members]
        figures = load_figures(group, [month], sorted({g.indicator for g in mine}), leaves)
        for goal in mine:
            value = figures.values(goal.org_unit_id, [month], [goal.indicator])[goal.indicator]["value"]
            if value is None:
                continue
            value, period = Decimal(str(round(value, 2))), str(month)
            if (goal.latest_value, goal.latest_period) != (value, period):
                goal.latest_value, goal.latest_period = value, period
                changed.append(goal)
    from pevcoach.coaching.services import store_goal_progress

    store_goal_progress(changed)
    return changed


def refresh_goals_after_import(log=None):
    """After each import, bring every active indicator goal up to date."""
    from pevcoach.coaching.models import Goal

    refresh_goals(Goal.objects.filter(status=Goal.Status.ACTIVE, kind="indicator").select_related("org_unit"))
