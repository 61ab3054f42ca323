"""Who reads which audit entries: administrators, those of their area (superusers: all)."""

from django.db.models import Q

from pevcoach.audit.models import AuditEntry


def entries_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    if not user.is_org_admin or user.org_unit_id is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(org_unit_path__startswith=user.org_unit.path)


def about_person(entries, person_id):
    """What a person did, and what was done to their account."""
    return entries.filter(Q(actor_id=person_id) | Q(object_type="accounts.user", object_id=str(person_id)))
