import pytest

from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.services import OrgUnitError, create_org_unit, update_org_unit


def test_paths_chain_ids_from_the_root(tree):
    k1 = tree["K1"]
    assert k1.path == f"/{tree['country'].pk}/{tree['region'].pk}/{tree['district'].pk}/{k1.pk}/"
    assert k1.level == Level.FACILITY
    assert k1.ancestor_ids == [tree["country"].pk, tree["region"].pk, tree["district"].pk, k1.pk]


def test_subtree_is_the_unit_and_everything_below(tree):
    names = set(tree["district"].subtree().values_list("code", flat=True))
    assert names == {"DK", "K1", "K2"}


def test_prefix_of_another_id_is_not_a_child(db):
    root = create_org_unit(name="Mali")
    a = create_org_unit(name="A", parent=root)
    # Make sibling ids such that one is a string prefix of another (e.g. 2 and 20+).
    siblings = [create_org_unit(name=f"S{i}", parent=root) for i in range(12)]
    child_of_a = create_org_unit(name="child", parent=a)
    assert set(a.subtree()) == {a, child_of_a}
    assert not any(a.contains(s) for s in siblings)


def test_moving_a_unit_repaths_its_subtree(tree):
    district = tree["district"]
    update_org_unit(district, parent=tree["far_region"])
    k1 = OrgUnit.objects.get(pk=tree["K1"].pk)
    assert k1.path.startswith(tree["far_region"].path)
    assert k1.level == Level.FACILITY
    assert set(tree["far_region"].subtree().values_list("code", flat=True)) >= {"DK", "K1", "K2"}
    assert not tree["region"].subtree().filter(code="K1").exists()


def test_a_unit_cannot_move_under_itself(tree):
    with pytest.raises(OrgUnitError):
        update_org_unit(tree["district"], parent=tree["K1"])


def test_a_unit_sits_below_its_parent(tree):
    with pytest.raises(OrgUnitError):
        create_org_unit(name="x", parent=tree["K1"], level=Level.DISTRICT)
    with pytest.raises(OrgUnitError):
        create_org_unit(name="orphan", level=Level.REGION)


def test_moving_a_centre_moves_its_figures_to_the_new_district(tree, django_capture_on_commit_callbacks):
    from pevcoach.indicators.queries import indicator_values
    from tests.indicators.conftest import load

    load([("PENTA1", "202503", "K1", 40)])

    def penta1(unit):
        return indicator_values(unit, "202503", ["COV_PENTA1"])[0]["numerator"]

    assert penta1(tree["district"]) == 40
    with django_capture_on_commit_callbacks(execute=True):
        update_org_unit(OrgUnit.objects.get(pk=tree["K1"].pk), parent=tree["other_district"])
    assert penta1(OrgUnit.objects.get(pk=tree["other_district"].pk)) == 40
    assert not penta1(OrgUnit.objects.get(pk=tree["district"].pk))
