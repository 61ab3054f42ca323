"""`__any_of` finds what `__in` finds, on this run's database (CI runs it on SQLite and PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pevcoach.orgunits.models import OrgUnit


@pytest.mark.parametrize("names", [["CSCom K1", "CSCom B1", "Région Z"], [], ["Mali"]])
def test_any_of_finds_what_in_finds(tree, names):
    ids = [tree_unit.pk for tree_unit in tree.values() if tree_unit.name in names]
    assert set(OrgUnit.objects.filter(pk__any_of=ids)) == set(OrgUnit.objects.filter(pk__in=ids))
    assert set(OrgUnit.objects.filter(parent_id__any_of=ids)) == set(OrgUnit.objects.filter(parent_id__in=ids))
    assert set(OrgUnit.objects.filter(parent__any_of=ids)) == set(OrgUnit.objects.filter(parent__in=ids))


def test_a_long_list_is_one_parameter_on_postgresql(tree):
    ids = [unit.pk for unit in tree.values()] + list(range(-2000, 0))  # 2,010 ids, ten of them real
    with CaptureQueriesContext(connection) as captured:
        found = OrgUnit.objects.filter(pk__any_of=ids).count()
    assert found == OrgUnit.objects.count()
    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "ANY(" in sql and " IN (" not in sql  # one array parameter, not 2,000 placeholders
    else:
        assert " IN (" in sql


def test_any_of_takes_uuid_keys_too(cast):
    from pevcoach.coaching import services
    from pevcoach.coaching.models import Relationship, Session

    relationship = services.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                                 aims="Réduire l'abandon", rhythm="Une visite par mois")
    ids = [relationship.pk, relationship.pk.__class__(int=1)]
    assert list(Relationship.objects.filter(pk__any_of=ids)) == [relationship]
    assert list(Relationship.objects.filter(pk__any_of=[str(relationship.pk)])) == [relationship]
    assert not Session.objects.filter(relationship__any_of=ids).exists()
