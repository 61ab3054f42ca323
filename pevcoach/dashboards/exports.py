"""CSV and Excel exports of the user's scope: sessions, goals, actions, checklist scores, indicator tables.

Each table is (headers, rows) built from the coaching query functions, so an export holds what
the person may see and nothing else; practice relationships are left out. Rows keep Python
values (dates, numbers) so that Excel gets real dates and numbers; CSV writes them as text.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.accounts.models import User
from pevcoach.coaching.models import Action, Session
from pevcoach.coaching.queries import actions_visible_to as _actions_visible_to
from pevcoach.coaching.queries import checklists_visible_to, goals_visible_to, sessions_visible_to
from pevcoach.dashboards import queries
from pevcoach.dashboards.homes import month_label
from pevcoach.indicators import catalogue, figures_cache
from pevcoach.orgunits.queries import org_units_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE = ("relationship__coach", "relationship__coachee", "relationship__org_unit")
PARTY_VALUES = ("relationship__org_unit__name", "relationship__org_unit__code",
                *(f"relationship__{side}__{name}" for side in ("coach", "coachee")
                  for name in ("first_name", "last_name", "username")))


def _real_values(queryset, unit):
    queryset = queryset.filter(relationship__is_practice=False)
    if unit is not None:
        queryset = queryset.filter(relationship__org_unit__path__startswith=unit.path)
    return queryset


def _real(queryset, unit):
    return _real_values(queryset, unit).select_related(*PEOPLE)


def _parties(r):
    return [r.org_unit.name, r.org_unit.code or "", str(r.coach), str(r.coachee)]


def _party_headers():
    return [_("Health centre"), _("Centre code"), _("Coach"), _("Coachee")]


def _party_values(name, code, *people):
    return [name, code or "", User.name_of(*people[:3]), User.name_of(*people[3:])]


def _labels(choices):
    return {value: str(label) for value, label in choices}


def sessions(user, unit):
    """Plain values rather than models: the national export holds some 200,000 sessions."""
    modes, statuses = _labels(Session.Mode.choices), _labels(Session.Status.choices)
    found = _real_values(sessions_visible_to(user), unit).order_by("scheduled_for").values_list(
        "id", "scheduled_for", "mode", "status", "is_follow_up", "summary", *PARTY_VALUES)

    def rows():
        for pk, at, mode, status, follow_up, summary, *parties in found.iterator(chunk_size=2000):
            yield [str(pk), at, modes[mode], statuses[status], follow_up, *_party_values(*parties), summary]

    return [_("Id"), _("Date"), _("Mode"), _("Status"), _("Remote follow-up"), *_party_headers(), _("Summary")], rows()


def goals(user, unit):
    rows = (
        [str(g.pk), *_parties(g.relationship), g.statement, g.get_kind_display(), g.indicator, g.baseline_value,
         g.target_value, g.latest_value, g.latest_period, g.progress, g.start_date, g.deadline, g.get_status_display()]
        for g in _real(goals_visible_to(user), unit).prefetch_related("actions").order_by("deadline").iterator(
            chunk_size=2000))
    return [_("Id"), *_party_headers(), _("Goal"), _("Kind"), _("Indicator"), _("Baseline"), _("Target"),
            _("Latest value"), _("Latest period"), _("Progress (%)"), _("Start"), _("Deadline"), _("Status")], rows


def _on_time(completed_at, due_date):
    return None if completed_at is None else timezone.localdate(completed_at) <= due_date


def actions(user, unit):
    statuses, today = _labels(Action.Status.choices), timezone.localdate()
    found = _real_values(_actions_visible_to(user), unit).order_by("due_date").values_list(
        "id", "description", "due_date", "status", "completed_at", "owner__first_name", "owner__last_name",
        "owner__username", *PARTY_VALUES)

    def rows():
        for pk, description, due, status, completed_at, *people in found.iterator(chunk_size=2000):
            yield [str(pk), *_party_values(*people[3:]), description, User.name_of(*people[:3]), due, statuses[status],
                   completed_at, _on_time(completed_at, due), Action.overdue(status, due, today)]

    return [_("Id"), *_party_headers(), _("Action"), _("Who does it"), _("Due date"), _("Status"),
            _("Completed at"), _("Done on time"), _("Overdue")], rows()


def checklists(user, unit):
    rows = (
        [str(c.pk), c.created_at, *_parties(c.relationship), c.template.name, c.score_percent]
        for c in _real(checklists_visible_to(user), unit).select_related("template").order_by("created_at").iterator(
            chunk_size=2000))
    return [_("Id"), _("Date"), *_party_headers(), _("Checklist"), _("Score (%)")], rows


def indicators(user, unit):
    """The unit and the units right below it that the user may see, every indicator over the last 12 months."""
    children = list(org_units_visible_to(user).filter(parent=unit)) if unit is not None else []
    units = ([unit] if unit is not None else []) + children
    codes = [i.code for i in catalogue.INDICATORS]
    rows = figures_cache.remember("indicator_export", [u.pk for u in units],
                                  compute=lambda: _indicator_rows(units, codes))
    return [_("Org unit"), _("Code"), _("Level"), _("Period"), *[str(catalogue.get(c).label) for c in codes]], rows


def _indicator_rows(units, codes):
    """Every indicator of each unit over its area's last 12 months with data (once per import: figures_cache.py)."""
    last = queries.latest_month(units[:1]) if units else None
    months = queries.window(last, 12)
    figures = queries.load_figures(units, months)
    period = f"{month_label(months[0])}–{month_label(last)}" if last else ""
    return [[u.name, u.code or "", u.get_level_display(), period,
             *[figures.values(u.pk, months, codes)[c]["value"] if months else None for c in codes]] for u in units]


TABLES = {"sessions": sessions, "goals": goals, "actions": actions, "checklists": checklists,
          "indicators": indicators}


def _cell_text(value, yes_no):
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[value]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cell_excel(value, yes_no):
    if isinstance(value, bool):
        return yes_no[value]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, Decimal):
        return float(value)
    return value


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def as_csv(headers, rows, filename):
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark tells Excel the file is UTF-8: accents stay right
    writer = csv.writer(out)
    writer.writerow(headers)
    yes_no = {True: _("yes"), False: _("no")}
    writer.writerows([_cell_text(v, yes_no) for v in row] for row in rows)
    return _attachment(HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8"), filename)


def as_xlsx(headers, rows, filename, sheet):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([str(h) for h in headers])
    yes_no = {True: _("yes"), False: _("no")}
    for row in rows:
        ws.append([_cell_excel(v, yes_no) for v in row])
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), filename)


def export(user, unit, kind, fmt):
    headers, rows = TABLES[kind](user, unit)
    stamp = timezone.localdate().strftime("%Y%m%d")
    area = f"-{unit.code or unit.pk}" if unit is not None else ""
    filename = f"pevcoach-{kind}{area}-{stamp}.{fmt}"
    if fmt == "xlsx":
        return as_xlsx(headers, rows, filename, kind)
    return as_csv(headers, rows, filename)
