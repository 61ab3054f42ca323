import pytest
from django.contrib.auth.models import AnonymousUser

from pevcoach.orgunits.queries import org_units_administered_by, org_units_visible_to


def codes(qs):
    return set(qs.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coachee", {"K1"}),
        ("coach", {"DK"}),
        ("district_manager", {"DK", "K1", "K2"}),
        ("district_admin", {"DK", "K1", "K2"}),
        ("region_manager", {"RA", "DK", "K1", "K2", "DB", "B1"}),
        ("outsider", {"DB"}),
        ("far_admin", {"DZ", "Z1"}),
        ("superuser", {"MLI", "RA", "DK", "K1", "K2", "DB", "B1", "RZ", "DZ", "Z1"}),
    ],
)
def test_each_role_sees_its_part_of_the_tree(cast, who, expected):
    assert codes(org_units_visible_to(cast[who])) == expected


def test_superuser_sees_units_imported_later(cast):
    from pevcoach.orgunits.services import create_org_unit

    create_org_unit(name="Nouveau pays", level=1, code="NEW")
    assert "NEW" in codes(org_units_visible_to(cast["superuser"]))


def test_anonymous_and_disabled_users_see_nothing(cast):
    assert not org_units_visible_to(AnonymousUser()).exists()
    manager = cast["district_manager"]
    manager.is_active = False
    assert not org_units_visible_to(manager).exists()


def test_only_admins_administer(cast):
    assert not org_units_administered_by(cast["district_manager"]).exists()
    assert codes(org_units_administered_by(cast["district_admin"])) == {"DK", "K1", "K2"}
