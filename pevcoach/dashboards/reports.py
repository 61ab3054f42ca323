"""Printable PDF reports: one page after a session, one month of coaching in a district.

Drawn with fpdf2 and its built-in Helvetica (Windows-1252: every French letter, no font file to
ship). Text is what the pages show, in the reader's language; practice records never appear.
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pevcoach.coaching.indicator_link import reality_indicators
from pevcoach.coaching.models import STAGE_ORDER, Session
from pevcoach.coaching.scoring import MIN_RATINGS_SHOWN
from pevcoach.dashboards import areas, queries
from pevcoach.dashboards.homes import PERCENT_KINDS, red_label
from pevcoach.indicators import catalogue
from pevcoach.indicators.compute import add_months

# Characters Windows-1252 lacks, written the way a typewriter would.
PLAIN = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "✓": "v", "\u202f": " ", "\u2009": " "}
NOTE_CHARS = 450  # each GROW stage's notes on a one-page report
MONTHLY_CODES = ["RED_CAT", "COV_PENTA1", "COV_PENTA3", "DOR_P1P3", "ZD_EST"]


def _plain(text):
    text = str(text or "")
    for char, plain in PLAIN.items():
        text = text.replace(char, plain)
    return text.encode("cp1252", "replace").decode("cp1252")


def _short(text, limit):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure(value, percent=False):
    if value is None:
        return "-"
    text = f"{value:.1f}" if percent and abs(value) < 10 and value != int(value) else f"{value:.0f}"
    if get_language() == "fr":
        text = text.replace(".", ",")
    return f"{text} %" if percent else text


class Report(FPDF):
    def __init__(self, title, subtitle):
        super().__init__(format="A4")
        self.core_fonts_encoding = "cp1252"
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(True, margin=14)
        self.set_title(_plain(title))
        self.set_creator("PEV Coach")
        self.set_lang(get_language() or "fr")
        self.add_page()
        self.set_font("Helvetica", "B", 15)
        self.cell(0, 8, _plain(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)
        self.cell(0, 6, _plain(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self):
        self.set_y(-11)
        self.set_font("Helvetica", "I", 7)
        printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        self.cell(0, 5, _plain(f"PEV Coach · {printed} · {self.page_no()}"), align="C")

    def heading(self, text):
        self.ln(1.5)
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 6, _plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)

    def pair(self, label, value):
        self.set_font("Helvetica", "B", 9)
        self.cell(42, 5, _plain(label))
        self.set_font("Helvetica", "", 9)
        self.multi_cell(0, 5, _plain(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def text(self, value, size=9):
        self.set_font("Helvetica", "", size)
        self.multi_cell(0, 4.5, _plain(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headers, rows, widths):
        self.set_font("Helvetica", "", 8.5)
        with self.table(col_widths=widths, line_height=4.6, padding=0.8, first_row_as_headings=True,
                        text_align="LEFT") as table:
            for line in [headers, *rows]:
                row = table.row()
                for cell in line:
                    row.cell(_plain(cell))

    def finish(self):
        return bytes(self.output())


# --- After a session ----------------------------------------------------------------------------

def _when(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


def _confirmation(session):
    if session.coach_confirmed_at and session.coachee_confirmed_at:
        return _("Confirmed by the coach on %(coach)s and by the coachee on %(coachee)s.") % {
            "coach": _when(session.coach_confirmed_at), "coachee": _when(session.coachee_confirmed_at)}
    return _("Not yet confirmed by both parties.")


def session_report(session):
    """One page to share after a visit or a call: who, when, the GROW notes, goals, actions, figures."""
    r = session.relationship
    pdf = Report(_("Session report"), f"{r.org_unit.name} · {_when(session.scheduled_for)}")
    pdf.pair(_("Coach"), f"{r.coach} ({r.coach.get_job_title_display()})")
    pdf.pair(_("Coachee"), f"{r.coachee} ({r.coachee.get_job_title_display()})")
    pdf.pair(_("Health centre"), r.org_unit.name)
    pdf.pair(_("Mode"), session.get_mode_display() + (f" · {session.place}" if session.place else ""))
    pdf.pair(_("Status"), session.get_status_display())
    pdf.heading(_("The conversation (GROW)"))
    for stage in STAGE_ORDER:
        pdf.pair(stage.label, _short(session.notes_for(stage), NOTE_CHARS) or "-")
    if session.summary:
        pdf.pair(_("Summary"), _short(session.summary, 600))
    goals = list(session.goals.all()[:4])
    if goals:
        pdf.heading(_("Goals set"))
        pdf.grid([_("Goal"), _("Baseline → target"), _("Deadline")],
                 [[_short(g.statement, 140), f"{_figure(g.baseline_value)} → {_figure(g.target_value)}",
                   g.deadline.strftime("%d/%m/%Y")] for g in goals], (110, 40, 32))
    actions = list(session.actions.select_related("owner")[:8])
    if actions:
        pdf.heading(_("Actions agreed"))
        pdf.grid([_("Action"), _("Who does it"), _("Due date"), _("Status")],
                 [[_short(a.description, 120), str(a.owner), a.due_date.strftime("%d/%m/%Y"), a.get_status_display()]
                  for a in actions], (96, 40, 22, 24))
    checklists = [c for c in session.checklists.select_related("template") if c.score_percent is not None]
    if checklists:
        pdf.pair(_("Supervision checklist"), ", ".join(f"{c.template.name}: {_figure(c.score_percent, True)}"
                                                        for c in checklists))
    figures = reality_indicators(r.org_unit)
    if figures:
        pdf.heading(_("The centre's figures"))
        pdf.grid([_("Indicator"), figures["short_period"], figures["long_period"]],
                 [[str(row["label"]), _figure(row["short"], _is_percent(row["code"])),
                   _figure(row["long"], _is_percent(row["code"]))] for row in figures["rows"]], (100, 41, 41))
    following = r.sessions.filter(status=Session.Status.PLANNED, scheduled_for__gt=session.scheduled_for
                                  ).order_by("scheduled_for").first()
    pdf.ln(1)
    pdf.pair(_("Next session"), _when(following.scheduled_for) if following else _("not planned yet"))
    pdf.text(_confirmation(session), size=8)
    return pdf.finish()


def _is_percent(code):
    indicator = catalogue.get(code)
    return indicator is not None and indicator.kind in PERCENT_KINDS


# --- One month in a district -------------------------------------------------------------------

def _month_bounds(month):
    start = datetime.date(month // 100, month % 100, 1)
    following = add_months(month, 1)
    end = datetime.date(following // 100, following % 100, 1) - datetime.timedelta(days=1)
    return start, end


def monthly_report(user, unit, month):
    """The coaching of one month in an area, and its units' figures for that month."""
    start, end = _month_bounds(month)
    label = start.strftime("%m/%Y")
    today = timezone.localdate()
    relationships = queries.real_relationships(user, unit)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))

    counts, counted_at = queries.coaching_counts(user, unit, "month", today, month, compute=lambda: (
        areas.count_coaching(relationships, today, held_from=since, held_until=until, modes_from=since,
                             due_from=start, due_until=end)))
    total, rows = areas.indicator_table(user, unit, [month], counts["coached"], counts["held"])
    by_mode, actions, goals, rating = counts["by_month"], counts["actions"], counts["goals"], counts["rating"]

    pdf = Report(_("Monthly coaching report"), f"{unit.name} · {label}")
    pdf.heading(_("Coaching this month"))
    pdf.pair(_("Centres coached"), _("%(n)s of %(total)s health centres have an active coaching relationship") % {
        "n": total["n_coached"], "total": total["facilities"]})
    modes = ", ".join(f"{mode.label}: {by_mode.get((month, mode.value), 0)}" for mode in Session.Mode)
    pdf.pair(_("Sessions held"), f"{total['sessions']} ({modes})")
    pdf.pair(_("Actions due"), _("%(on_time)s done on time, %(late)s done late, %(overdue)s overdue, "
                                 "%(open)s not yet due") % {"on_time": actions["on_time"], "late": actions["late"],
                                                            "overdue": actions["overdue"], "open": actions["not_due"]})
    pdf.pair(_("Goals"), _("%(achieved)s achieved, %(missed)s not achieved, %(active)s in progress") % {
        "achieved": goals["achieved"], "missed": goals["not_achieved"], "active": goals["active"]})
    if rating["count"] >= MIN_RATINGS_SHOWN:
        pdf.pair(_("Support rating"), _("%(avg)s / 5 on average over %(n)s ratings") % {
            "avg": _figure(rating["support_received"]), "n": rating["count"]})
    pdf.heading(_("Units and their figures for %(month)s") % {"month": label})
    headers = [_("Unit"), "RED", "Penta1", "Penta3", _("Dropout P1-P3"), _("Zero-dose"), _("Centres coached"),
               _("Sessions")]
    lines = [[r["unit"].name, *[_figure(r[c], _is_percent(c)) for c in MONTHLY_CODES],
              f"{r['n_coached']}/{r['facilities']}", str(r["sessions"])] for r in [*rows, total]]
    pdf.grid(headers, lines, (52, 11, 17, 17, 20, 19, 25, 21))
    pdf.text(_("Penta1, Penta3: coverage; dropout from Penta1 to Penta3; zero-dose: estimated children without "
               "Penta1. Sessions: coaching sessions held that month."), size=7.5)
    if total["RED_CAT"]:
        pdf.text(_("RED category of the whole area: %(label)s") % {"label": red_label(total["RED_CAT"])})
    pdf.ln(2)
    pdf.text(_("Practice sessions from workshops are left out of every figure."), size=8)
    if counted_at is not None:
        pdf.text(_("Coaching counted at %(time)s: a region's or the country's is counted again every minute.") % {
            "time": timezone.localtime(counted_at).strftime("%H:%M")}, size=8)
    return pdf.finish()
