"""Which people a user may see or manage, from their place in the org-unit tree."""

from pevcoach.accounts.models import Invitation, User
from pevcoach.orgunits.queries import org_units_administered_by, org_units_visible_to


def people_visible_to(user):
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    visible = org_units_visible_to(user)
    if user.is_manager or user.is_org_admin:
        return User.objects.filter(org_unit__in=visible)
    return User.objects.filter(pk=user.pk)


def people_administered_by(user):
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(org_unit__in=org_units_administered_by(user), is_superuser=False)


def pending_registrations_for(user):
    return people_administered_by(user).filter(
        is_active=False, registered_with__isnull=False, approved_by__isnull=True
    ).select_related("org_unit", "registered_with")


def invitations_visible_to(user):
    return Invitation.objects.filter(org_unit__in=org_units_administered_by(user)).select_related("org_unit")
