"""Writes to the org-unit tree. Paths and levels are kept right here and nowhere else."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from pevcoach.orgunits.models import Level, OrgUnit


class OrgUnitError(ValueError):
    pass


def _check_level(level, parent):
    if parent is None and level != Level.COUNTRY:
        raise OrgUnitError(_("Only a country can have no parent."))
    if parent is not None and level <= parent.level:
        raise OrgUnitError(_("A unit must sit at a lower level than its parent."))


@transaction.atomic
def create_org_unit(*, name, parent=None, level=None, code=None, dhis2_uid=None,
                    latitude=None, longitude=None, is_demo=False):
    level = level if level is not None else (parent.level + 1 if parent else Level.COUNTRY)
    _check_level(level, parent)
    unit = OrgUnit.objects.create(
        name=name, parent=parent, level=level, code=code or None, dhis2_uid=dhis2_uid or None,
        latitude=latitude, longitude=longitude, is_demo=is_demo, path="",
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def update_org_unit(unit, *, parent=None, level=None, **fields):
    """Change a unit's fields; moving it under another parent re-paths its whole subtree."""
    for name, value in fields.items():
        setattr(unit, name, value)
    if "code" in fields:
        unit.code = unit.code or None
    new_parent = parent if parent is not None else unit.parent
    new_level = level if level is not None else unit.level
    if new_parent is not None and unit.contains(new_parent):
        raise OrgUnitError(_("A unit cannot be moved under itself."))
    _check_level(new_level, new_parent)
    old_path, delta = unit.path, new_level - unit.level
    unit.parent, unit.level = new_parent, new_level
    unit.path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    unit.save()
    if old_path != unit.path or delta:
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            level=F("level") + delta,
        )
    if old_path != unit.path:
        # Subtree totals of the old and new ancestors changed: rebuild them once the move is saved.
        from pevcoach.indicators.services import refresh_totals

        transaction.on_commit(refresh_totals)
    return unit
