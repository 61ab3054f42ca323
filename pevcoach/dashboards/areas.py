"""What managers see of an area (country, region, district) and of one health centre.

Each function composes a page from the batched reads of queries.py: a fixed number of queries
whatever the size of the subtree. The unit passed in is already one the user may see.
"""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from pevcoach.coaching.models import Action, Goal, Session
from pevcoach.coaching.scoring import MIN_RATINGS_SHOWN
from pevcoach.dashboards import charts, impact, queries
from pevcoach.dashboards.homes import PERCENT_KINDS, key_indicators, month_label, red_label
from pevcoach.dashboards.templatetags.dashboards import figure
from pevcoach.indicators import catalogue, figures_cache
from pevcoach.indicators.compute import add_months
from pevcoach.indicators.models import OrgUnitGeometry
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.queries import org_units_visible_to

TABLE_CODES = ["COV_PENTA1", "COV_PENTA3", "COV_RR1", "DOR_P1P3", "ZD_EST", "RED_CAT", "DQ_COMPLETE"]
SORT_KEYS = ["name", *TABLE_CODES, "coached", "sessions"]
MODES = [(Session.Mode.IN_PERSON, "m1"), (Session.Mode.PHONE, "m2"), (Session.Mode.VIDEO, "m3")]
IMPACT_KINDS = ("coverage", "dropout", "percent")
MAP_COLOUR = "RED_CAT"  # what the gap map is coloured by until one chooses
IMPACT_INDICATOR, IMPACT_MONTHS = "COV_PENTA3", 24  # what the impact view compares until one chooses


def _month_start(month):
    return timezone.make_aware(datetime.datetime(month // 100, month % 100, 1))


def this_month(today=None):
    today = today or timezone.localdate()
    return today.year * 100 + today.month


def ancestors(user, unit):
    return list(org_units_visible_to(user).filter(pk__in=unit.ancestor_ids[:-1]).order_by("level"))


def _under(path, paths):
    return sum(1 for p in paths if p.startswith(path))


def _sorted(rows, sort, descending):
    if sort not in SORT_KEYS:
        sort = "name"
    if sort == "name":
        return sorted(rows, key=lambda r: r["unit"].name.lower(), reverse=descending)
    known = sorted((r for r in rows if r[sort] is not None), key=lambda r: r[sort], reverse=descending)
    return known + [r for r in rows if r[sort] is None]  # no data: always last


def indicator_table(user, unit, months, coached, held):
    """Rows for the unit and each child it has: key indicators over `months`, centres coached (`coached`:
    their paths) and sessions held (`held`: {centre path: sessions})."""
    children = list(org_units_visible_to(user).filter(parent=unit))
    units = [unit, *children]
    figures = _table_figures(units, months)
    rows = []
    for u in units:
        facilities, values = figures[u.pk]
        row = {"unit": u, "facilities": facilities, "coached": None, "n_coached": _under(u.path, coached),
               "sessions": sum(n for path, n in held.items() if path.startswith(u.path))}
        row.update({code: values.get(code) for code in TABLE_CODES})
        if row["facilities"]:
            row["coached"] = round(100 * row["n_coached"] / row["facilities"])
        rows.append(row)
    return rows[0], rows[1:]


def _table_figures(units, months):
    """{unit id: (health centres below it, {indicator code: value over `months`})}, once per import."""
    def work_out():
        figures = queries.load_figures(units, months, TABLE_CODES)
        return {u.pk: (figures.facilities.get(u.pk, 0),
                       {code: v["value"] for code, v in figures.values(u.pk, months, TABLE_CODES).items()}
                       if months else {}) for u in units}

    return figures_cache.remember("indicator_table", sorted(u.pk for u in units), tuple(months), compute=work_out)


def columns():
    return [{"key": code, "label": catalogue.get(code).label,
             "percent": catalogue.get(code).kind in PERCENT_KINDS} for code in TABLE_CODES]


def count_coaching(relationships, today, *, held_from, modes_from, due_from, held_until=None, due_until=None):
    """What an area's dashboard or monthly report counts of its coaching, one GROUP BY read each: centres
    coached, sessions held per centre (from `held_from`, before `held_until`) and per month and mode (from
    `modes_from`), actions due from `due_from` to `due_until`, goals by status and support ratings."""
    return {
        "coached": queries.coached_paths(relationships),
        "held": queries.sessions_by_centre(relationships, held_from, held_until),
        "by_month": queries.sessions_by_month_and_mode(relationships, modes_from),
        "actions": queries.action_record(relationships, today, due_from, due_until),
        "goals": queries.goal_record(relationships),
        "rating": queries.support_rating(relationships),
    }


def _activity(counts, today):
    start = add_months(this_month(today), -11)
    months = [add_months(start, i) for i in range(12)]
    stacks = [(css, [counts["by_month"].get((m, mode), 0) for m in months]) for mode, css in MODES]
    labels = [month_label(m) for m in months]
    actions, goals, rating = counts["actions"], counts["goals"], counts["rating"]
    judged = actions["on_time"] + actions["late"] + actions["overdue"]
    closed = goals[Goal.Status.ACHIEVED] + goals[Goal.Status.NOT_ACHIEVED]
    return {
        "sessions_chart": charts.stacked_bars(labels, stacks, title=_("Sessions held per month, by mode")),
        "sessions_table": [{"month": label, "counts": [values[i] for _css, values in stacks]}
                           for i, label in enumerate(labels)],
        "modes": [(Session.Mode(mode).label, css) for mode, css in MODES],
        "sessions_total": sum(sum(values) for _css, values in stacks),
        "actions": actions, "actions_judged": judged,
        "on_time": round(100 * actions["on_time"] / judged) if judged else None,
        "goals": goals, "goals_closed": closed,
        "goals_reached": round(100 * goals[Goal.Status.ACHIEVED] / closed) if closed else None,
        "rating": rating if rating["count"] >= MIN_RATINGS_SHOWN else None, "rating_count": rating["count"],
    }


def area_dashboard(user, unit, *, sort="name", descending=False):
    """Coaching activity of the area and the indicator table of the units right below it."""
    today = timezone.localdate()
    last = queries.latest_month([unit])
    months = queries.window(last, 12)
    relationships = queries.real_relationships(user, unit)
    counts, counted_at = queries.coaching_counts(user, unit, "area", today, compute=lambda: count_coaching(
        relationships, today, held_from=_month_start(add_months(this_month(today), -2)),
        modes_from=_month_start(add_months(this_month(today), -11)), due_from=today - datetime.timedelta(days=365)))
    total, rows = indicator_table(user, unit, months, counts["coached"], counts["held"])
    sort = sort if sort in SORT_KEYS else "name"
    report_month = add_months(this_month(today), -1)
    return {
        "unit": unit, "ancestors": ancestors(user, unit), "total": total, "rows": _sorted(rows, sort, descending),
        "columns": columns(), "headers": _headers(sort, descending), "descending": descending,
        "period": f"{month_label(months[0])}–{month_label(last)}" if last else None,
        "activity": _activity(counts, today), "counted_at": counted_at,
        "report_month_value": f"{report_month // 100}-{report_month % 100:02d}",
    }


def _headers(sort, descending):
    labels = [("name", _("Unit"))] + [(c["key"], c["label"]) for c in columns()] + [
        ("coached", _("Centres coached")), ("sessions", _("Sessions (3 months)"))]
    return [{"key": key, "label": label, "current": key == sort,
             "next": "desc" if key == sort and not descending else "asc"} for key, label in labels]


def facility_page(user, unit):
    """A health centre: its key figures and the coaching relationships held there."""
    relationships = list(queries.real_relationships(user, unit).filter(org_unit=unit).select_related(
        "coach", "coachee").annotate(last_session=Max("sessions__scheduled_for",
                                                      filter=Q(sessions__status__in=queries.HELD))))
    held_here = Q(relationship_id__in=[r.pk for r in relationships])  # a few ids: no subquery to build again
    return {
        "unit": unit, "ancestors": ancestors(user, unit), "indicators": key_indicators(unit),
        "relationships": relationships,
        "goals": list(Goal.objects.filter(held_here, status=Goal.Status.ACTIVE).prefetch_related("actions")[:10]),
        "actions": Action.objects.filter(held_here).aggregate(
            open=Count("id", filter=Q(status=Action.Status.OPEN)),
            overdue=Count("id", filter=Q(status=Action.Status.OPEN, due_date__lt=timezone.localdate()))),
    }


# --- The gap map --------------------------------------------------------------------------------

def colour_choices():
    return [("RED_CAT", catalogue.get("RED_CAT").label)] + [
        (i.code, i.label) for i in catalogue.all_indicators() if i.code != "RED_CAT"]


def _classes(code, values):
    """{facility id: css class} and the legend [(css, text)] for colouring by one indicator."""
    indicator = catalogue.get(code)
    if code == "RED_CAT":
        legend = [(f"g{n}", red_label(n)) for n in (1, 2, 3, 4)]
        return {pk: f"g{v or 0}" for pk, v in values.items()}, legend
    if indicator.direction == "flag":
        legend = [("g1", _("No alert")), ("g4", _("Alert"))]
        return {pk: "g0" if v is None else "g4" if v else "g1" for pk, v in values.items()}, legend
    if indicator.threshold is not None:
        t = indicator.threshold
        legend = [("g1", _("Meets the target (%(t)s)") % {"t": f"{t:g}"}), ("g4", _("Below the target"))]
        return {pk: "g0" if v is None else "g1" if indicator.meets_threshold(v) else "g4"
                for pk, v in values.items()}, legend
    known = sorted(v for v in values.values() if v is not None)
    if not known:
        return dict.fromkeys(values, "g0"), []
    low, high = known[len(known) // 3], known[2 * len(known) // 3]
    best, worst = ("g1", "g4") if indicator.direction == "up" else ("g4", "g1")

    def css(v):
        return "g0" if v is None else best if v > high else worst if v < low else "g2"

    legend = [("g1", _("Best third")), ("g2", _("Middle third")), ("g4", _("Worst third"))]
    return {pk: css(v) for pk, v in values.items()}, legend


def gap_map(user, unit, code):
    """Facilities of the area at their coordinates, coloured by `code` over the last 12 months."""
    indicator = catalogue.get(code)
    return {"unit": unit, "ancestors": ancestors(user, unit), "code": code, "indicator": indicator,
            "choices": colour_choices(), "percent": indicator.kind in PERCENT_KINDS, **_drawn_gap_map(unit, indicator)}


def _drawn_gap_map(unit, indicator):
    return figures_cache.remember("gap_map", unit.pk, indicator.code, compute=lambda: _draw_gap_map(unit, indicator))


def _draw_gap_map(unit, indicator):
    # Every centre of the area: only those who oversee the whole area open its map (views._area), so
    # the map is the same for all of them and is drawn once per import.
    code = indicator.code
    facilities = list(OrgUnit.objects.filter(path__startswith=unit.path, level=Level.FACILITY).order_by("name"))
    last = queries.latest_month([unit])
    months = queries.window(last, 12)
    figures = queries.load_figures(facilities, months, [code])
    values = {f.pk: figures.values(f.pk, months, [code])[code]["value"] if months else None for f in facilities}
    classes, legend = _classes(code, values)
    percent = indicator.kind in PERCENT_KINDS
    placed = [f for f in facilities if f.latitude is not None and f.longitude is not None]
    link = _unit_link()
    outlines = list(OrgUnitGeometry.objects.filter(
        Q(org_unit=unit) | Q(org_unit__path__startswith=unit.path, org_unit__level=Level.DISTRICT)).values_list(
        "geometry", flat=True)) if placed else []
    points = [{"lon": float(f.longitude), "lat": float(f.latitude), "href": link(f.pk),
               "css": classes[f.pk], "label": f"{f.name} : {_value_text(values[f.pk], percent)}"} for f in placed]
    # The table's 1,500 rows are written here, once, rather than by a template loop on every view.
    rows = format_html_join("", '<tr><td><span class="key {}"></span><a href="{}">{}</a></td><td>{}</td></tr>',
                            ((classes[f.pk], link(f.pk), f.name, figure(values[f.pk], percent)) for f in facilities))
    return {
        "legend": [(css, str(label)) for css, label in legend],
        "map": charts.gap_map(points, outlines, title=_("Map of %(area)s: %(indicator)s by health centre") % {
            "area": unit.name, "indicator": indicator.label}),
        "rows_html": rows, "unplaced": len(facilities) - len(placed),
        "period": f"{month_label(months[0])}–{month_label(last)}" if last else None,
    }


def _unit_link():
    """A unit's dashboard address from its id: one `reverse` for a map of 1,500 centres instead of 3,000."""
    from django.urls import reverse

    sample = reverse("dashboards:unit", args=[987654321])
    return lambda pk: sample.replace("987654321", str(pk))


def _value_text(value, percent):
    if value is None:
        return _("no data")
    return f"{value:.0f} %" if percent else f"{value:g}"


# --- Impact -------------------------------------------------------------------------------------

def impact_choices():
    return [(i.code, i.label) for i in catalogue.all_indicators() if i.kind in IMPACT_KINDS]


def impact_view(user, unit, code, months=IMPACT_MONTHS):
    """Coached against not-yet-coached facilities of the area for one indicator (difference in differences)."""
    starts = queries.coaching_starts(queries.real_relationships(user, unit))
    start_months = sorted((pk, _month_of(timezone.localtime(start))) for pk, start in starts.items())
    # Read on each view, so a relationship whose first session was held a minute ago counts at once; the
    # comparison itself (1,500 centres × 24 months for the country) is kept for those starts and figures.
    compared = figures_cache.remember("impact", unit.pk, code, months, start_months,
                                      compute=lambda: _compare(unit, code, months, dict(start_months)))
    indicator = catalogue.get(code)
    result, window = compared["result"], compared["window"]
    labels = [month_label(m) for m in window]
    better = None
    if result["difference"] is not None and indicator.direction in ("up", "down"):
        better = (result["difference"] > 0) == (indicator.direction == "up")
    coached_line, control_line, first_start = (compared[k] for k in ("coached_line", "control_line", "first_start"))
    return {
        "unit": unit, "ancestors": ancestors(user, unit), "code": code, "indicator": indicator,
        "choices": impact_choices(), "result": result, "better": better,
        "chart": charts.line_chart(labels, [("l1", coached_line), ("l2", control_line)],
                                   marker=window.index(first_start) if first_start in window else None,
                                   marker_label=_("coaching starts"),
                                   title=_("%(indicator)s: coached and not-yet-coached centres") % {
                                       "indicator": indicator.label}),
        "table": [{"month": labels[i], "coached": coached_line[i], "control": control_line[i]}
                  for i in range(len(window))],
        "n_in_chart": compared["n_in_chart"],
        "period": f"{labels[0]}–{labels[-1]}" if labels else None,
    }


def _month_of(moment):
    return moment.year * 100 + moment.month


def _compare(unit, code, months, start_months):
    """The difference in differences and the two groups' lines, from each centre's month of coaching start."""
    last, window, terms = _impact_terms(unit, code, months)
    coached, control = {}, {}
    for pk, by_month in terms.items():
        if pk not in start_months:
            control[pk] = by_month
        elif last and start_months[pk] <= last:
            coached[pk] = (start_months[pk], by_month)
    return {
        "window": window, "result": impact.difference_in_differences(coached, control, window),
        "coached_line": impact.group_series([b for _s, b in coached.values()], window),
        "control_line": impact.group_series(list(control.values()), window),
        "first_start": min((s for s, _b in coached.values()), default=None),
        "n_in_chart": (len(coached), len(control)),
    }


def _impact_terms(unit, code, months):
    return figures_cache.remember("impact_terms", unit.pk, code, months,
                                  compute=lambda: _terms_each_month(unit, code, months))


def _terms_each_month(unit, code, months):
    """The last month with data, the window of `months` ending there, and each health centre's
    (numerator, denominator) of `code` month by month: the figures side of the impact view, once per import.
    Every centre of the area, as for the map."""
    facilities = list(OrgUnit.objects.filter(path__startswith=unit.path, level=Level.FACILITY))
    last = queries.latest_month([unit])
    window = queries.window(last, months)
    figures = queries.load_figures(facilities, window, [code])
    return last, window, {f.pk: figures.terms_each_month(f.pk, window, code) for f in facilities}


# --- Ready before anyone asks ----------------------------------------------------------------------

def work_out_figures(levels=(Level.COUNTRY, Level.REGION)):
    """Work out the figures of the country's and regions' pages as first opened (dashboard table, gap map
    by RED category, impact on Penta 3), in each language, so that nobody waits for them after an import.
    Worth it only with a cache the app servers share (CACHE_URL): see dashboards/tasks.py."""
    from django.conf import settings
    from django.utils import translation

    colour = catalogue.get(MAP_COLOUR)
    for unit in OrgUnit.objects.filter(level__in=levels):
        units = [unit, *OrgUnit.objects.filter(parent=unit)]
        months = queries.window(queries.latest_month([unit]), 12)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                _table_figures(units, months)
                _drawn_gap_map(unit, colour)
                _impact_terms(unit, IMPACT_INDICATOR, IMPACT_MONTHS)
