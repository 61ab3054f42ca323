"""Which org units a user may see. Every scoped read in PEV Coach starts here."""

from django.db.models import Q

from pevcoach.orgunits.models import OrgUnit


def scope_root(user):
    """The unit whose subtree a manager or admin oversees, or None for the whole country."""
    if user.is_superuser:
        return None
    return user.org_unit


def sees_subtree(user):
    """Managers and admins oversee the subtree of their unit; superusers everything."""
    return user.is_superuser or user.is_manager or user.is_org_admin


def org_units_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    if user.org_unit_id is None:
        return OrgUnit.objects.none()
    if sees_subtree(user):
        return OrgUnit.objects.filter(path__startswith=user.org_unit.path)
    if user.is_coach:
        # A coach looks at the centres of the people they coach, wherever those are.
        from pevcoach.coaching.queries import coached_units_of

        return OrgUnit.objects.filter(Q(pk=user.org_unit_id) | Q(pk__in=coached_units_of(user)))
    return OrgUnit.objects.filter(pk=user.org_unit_id)


def org_units_administered_by(user):
    """Units whose people and children this user may manage."""
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    if not user.is_org_admin or user.org_unit_id is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=user.org_unit.path)


def can_administer(user, unit):
    return unit is not None and org_units_administered_by(user).filter(pk=unit.pk).exists()


def leaves_among(units):
    """Ids of the given units that have no unit below them (one query)."""
    ids = [u.pk for u in units]
    parents = set(OrgUnit.objects.filter(parent_id__any_of=ids).values_list("parent_id", flat=True)
                  .order_by().distinct())
    return {pk for pk in ids if pk not in parents}
