from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from pevcoach.audit.queries import about_person, entries_visible_to


@login_required
def trail(request):
    """The audit trail of the admin's area, filtered by person or by record."""
    if not (request.user.is_superuser or request.user.is_org_admin):
        raise PermissionDenied
    entries = entries_visible_to(request.user)
    person = request.GET.get("person", "").strip()
    if person.isdigit():
        entries = about_person(entries, int(person))
    if request.GET.get("object"):
        entries = entries.filter(object_id=request.GET["object"].strip()[:64])
    if request.GET.get("type"):
        entries = entries.filter(object_type=request.GET["type"].strip()[:50])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"page": page, "person": person,
                                                "object": request.GET.get("object", ""),
                                                "type": request.GET.get("type", "")})
