from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pevcoach.accounts.queries import pending_registrations_for
from pevcoach.dashboards import homes
from pevcoach.orgunits.queries import org_units_visible_to


@login_required
def home(request):
    """One home for everyone; each block shows for the roles that need it."""
    user = request.user
    context = {"unit": user.org_unit}
    if user.is_coachee:
        context["coachee"] = homes.coachee_home(user)
    if user.is_coach:
        context["coach"] = homes.coach_home(user)
    if user.is_manager or user.is_org_admin or user.is_superuser:
        context["n_units"] = org_units_visible_to(user).count()
    if user.is_org_admin or user.is_superuser:
        context["n_pending"] = pending_registrations_for(user).count()
    return render(request, "front/home.html", context)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "detail": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
