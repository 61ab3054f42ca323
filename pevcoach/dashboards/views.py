"""Dashboard pages, reports and exports. Each view: find the unit or record through the scoped
queries, call one composing function, render. Managers and admins see their subtree; a health
centre's page is also open to those who see that centre (its coach, its coachees)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pevcoach.coaching.queries import sessions_visible_to
from pevcoach.dashboards import areas, exports, reports
from pevcoach.indicators.compute import PeriodError, add_months, parse_month
from pevcoach.orgunits.models import OrgUnit
from pevcoach.orgunits.queries import org_units_visible_to, scope_root, sees_subtree


def _area(request, pk, *, centre_open=False):
    """The unit, when the user may see it: 404 otherwise; 403 for an area page to someone who oversees none."""
    unit = get_object_or_404(org_units_visible_to(request.user), pk=pk)
    if not sees_subtree(request.user) and not (centre_open and unit.is_facility):
        raise PermissionDenied
    return unit


def _home_unit(user):
    if user.is_superuser:
        return scope_root(user) or OrgUnit.objects.filter(parent=None).order_by("pk").first()
    return user.org_unit


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def index(request):
    if not sees_subtree(request.user):
        raise PermissionDenied
    unit = _home_unit(request.user)
    if unit is None:
        raise Http404
    return redirect("dashboards:unit", pk=unit.pk)


@login_required
def unit(request, pk):
    unit = _area(request, pk, centre_open=True)
    if unit.is_facility:
        return render(request, "dashboards/facility.html", areas.facility_page(request.user, unit))
    context = areas.area_dashboard(request.user, unit, sort=request.GET.get("sort", "name"),
                                   descending=request.GET.get("order") == "desc")
    return render(request, "dashboards/area.html", context)


@login_required
def gap_map(request, pk):
    unit = _area(request, pk)
    code = request.GET.get("colour", areas.MAP_COLOUR)
    if code not in dict(areas.colour_choices()):
        code = areas.MAP_COLOUR
    return render(request, "dashboards/map.html", areas.gap_map(request.user, unit, code))


@login_required
def impact(request, pk):
    unit = _area(request, pk)
    code = request.GET.get("indicator", areas.IMPACT_INDICATOR)
    if code not in dict(areas.impact_choices()):
        code = areas.IMPACT_INDICATOR
    return render(request, "dashboards/impact.html", areas.impact_view(request.user, unit, code))


@login_required
def monthly_report(request, pk):
    unit = _area(request, pk)
    if unit.is_facility:
        raise Http404
    try:
        month = parse_month(request.GET.get("month", "").replace("-", "")) if request.GET.get("month") else \
            add_months(areas.this_month(), -1)
    except PeriodError:
        return HttpResponseBadRequest(_("Give the month as YYYY-MM."))
    return _pdf(reports.monthly_report(request.user, unit, month), f"pevcoach-{unit.code or unit.pk}-{month}.pdf")


@login_required
def session_report(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user).filter(relationship__is_practice=False)
                                .select_related("relationship__coach", "relationship__coachee",
                                                "relationship__org_unit"), pk=pk)
    return _pdf(reports.session_report(session), f"pevcoach-session-{session.scheduled_for:%Y%m%d}.pdf")


def _export_unit(request):
    """The area an export covers: the one asked for (when visible), else the user's own scope."""
    if request.GET.get("unit"):
        if not request.GET["unit"].isdigit():
            raise Http404
        return get_object_or_404(org_units_visible_to(request.user), pk=int(request.GET["unit"]))
    return _home_unit(request.user) if sees_subtree(request.user) else None


@login_required
def exports_page(request):
    unit = _export_unit(request)
    return render(request, "dashboards/exports.html", {
        "unit": unit, "kinds": [(kind, label) for kind, label in _kinds() if kind != "indicators" or unit],
    })


def _kinds():
    return [("sessions", _("Sessions")), ("goals", _("Goals")), ("actions", _("Actions")),
            ("checklists", _("Checklist scores")), ("indicators", _("Indicator table"))]


@login_required
def export(request, kind, fmt):
    if kind not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    unit = _export_unit(request)
    if kind == "indicators" and unit is None:
        unit = request.user.org_unit
        if unit is None:
            raise Http404
    return exports.export(request.user, unit, kind, fmt)
