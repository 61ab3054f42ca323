from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pevcoach.indicators import services
from pevcoach.indicators.forms import ImportForm
from pevcoach.indicators.queries import import_logs_visible_to
from pevcoach.orgunits.queries import org_units_administered_by


def _require_admin(user):
    if not (user.is_superuser or user.is_org_admin):
        raise PermissionDenied


def _import(user, data):
    content, name = data["file"].read(), data["file"].name
    if data["kind"] == ImportForm.ORG_UNITS:
        return services.import_org_units(data=content, name=name, user=user)
    mapping = data["mapping"].read() if data["mapping"] else None
    if user.is_superuser:
        return services.import_data_values(data=content, name=name, user=user, mapping=mapping)
    # An administrator of an area imports the figures of that area only.
    return services.import_data_values(data=content, name=name, user=user, mapping=mapping, scope=user.org_unit,
                                       allowed_units=org_units_administered_by(user))


@login_required
def imports(request):
    """Upload a DHIS2 file, and the log of past imports."""
    user = request.user
    _require_admin(user)
    form = ImportForm(request.POST or None, request.FILES or None, can_import_units=user.is_superuser)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            log = _import(user, form.cleaned_data)
        except services.ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Imported."))
            return redirect("indicators:import", pk=log.pk)
    logs = import_logs_visible_to(user).select_related("user")[:50]
    return render(request, "indicators/imports.html", {"form": form, "errors": errors, "logs": logs})


@login_required
def import_detail(request, pk):
    _require_admin(request.user)
    log = get_object_or_404(import_logs_visible_to(request.user).select_related("user", "scope"), pk=pk)
    return render(request, "indicators/import_detail.html", {"log": log})
