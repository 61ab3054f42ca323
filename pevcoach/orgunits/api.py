from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from pevcoach.api.types import BoundedPagination, DbId
from pevcoach.orgunits.queries import org_units_visible_to

router = Router(tags=["org units"])


class OrgUnitOut(Schema):
    id: int
    name: str
    code: str | None
    dhis2_uid: str | None
    parent_id: int | None
    level: int
    path: str
    latitude: float | None
    longitude: float | None


@router.get("", response=list[OrgUnitOut])
@paginate(BoundedPagination)
def list_org_units(request, level: int | None = Query(None, ge=0, le=20), parent: DbId | None = None):  # noqa: B008
    units = org_units_visible_to(request.user)
    if level is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent_id=parent)
    return units


@router.get("/{int:unit_id}", response=OrgUnitOut)
def get_org_unit(request, unit_id: DbId):
    return get_object_or_404(org_units_visible_to(request.user), pk=unit_id)
