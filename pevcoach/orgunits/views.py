from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pevcoach.orgunits import services
from pevcoach.orgunits.forms import OrgUnitForm
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.queries import can_administer, org_units_administered_by, org_units_visible_to


@login_required
def unit_list(request):
    visible = org_units_visible_to(request.user)
    top_level = visible.order_by("level").values_list("level", flat=True).first()
    units = visible.filter(level=top_level).annotate(n_children=Count("children")) if top_level else []
    return render(request, "orgunits/list.html", {"units": units})


@login_required
def unit_detail(request, pk):
    visible = org_units_visible_to(request.user)
    unit = get_object_or_404(visible, pk=pk)
    ancestors = visible.filter(pk__in=unit.ancestor_ids[:-1]).order_by("level")
    children = visible.filter(parent=unit).annotate(n_children=Count("children"), n_people=Count("people"))
    return render(request, "orgunits/detail.html", {
        "unit": unit, "ancestors": ancestors, "children": children,
        "can_admin": can_administer(request.user, unit), "can_add_child": unit.level < Level.FACILITY,
    })


@login_required
def unit_create(request, parent_pk):
    parent = get_object_or_404(org_units_administered_by(request.user), pk=parent_pk)
    if parent.level >= Level.FACILITY:
        raise PermissionDenied
    form = OrgUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_org_unit(parent=parent, **form.cleaned_data)
        except (ValidationError, services.OrgUnitError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s added.") % {"name": unit.name})
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/form.html", {"form": form, "parent": parent})


@login_required
def unit_edit(request, pk):
    unit = get_object_or_404(org_units_administered_by(request.user), pk=pk)
    form = OrgUnitForm(request.POST or None, instance=OrgUnit.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.update_org_unit(unit, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/form.html", {"form": form, "unit": unit})
