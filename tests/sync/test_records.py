"""A pull writes records straight from the rows (sync/records.py): each must be exactly what the API's output
schema gives for the same row, for every kind, with every field and nested answers."""

import pytest

from pevcoach.coaching import services as coaching
from pevcoach.coaching.models import Action, Goal
from pevcoach.sync import services
from pevcoach.sync.records import record
from tests.coaching.test_services import photo
from tests.dashboards.conftest import world  # noqa: F401 - every kind of record, practice ones too


@pytest.fixture
def full_world(world):  # noqa: F811
    """The dashboards' world plus evidence with and without a photo, one of them reviewed, and a measured goal."""
    action = Action.objects.filter(relationship=world["real"]).first()
    coaching.add_evidence(by=world["coachee"], action=action, photo=photo(), note="Liste des enfants")
    evidence = coaching.add_evidence(by=world["coachee"], action=action, note="Sans photo")
    coaching.review_evidence(by=world["coach"], evidence=evidence, accepted=False, comment="Illisible")
    Goal.objects.filter(relationship=world["real"], status=Goal.Status.ACTIVE).update(latest_value=12.5,
                                                                                       latest_period="202609")
    return world


@pytest.mark.parametrize("name", services.RESOURCES)
def test_each_record_is_what_the_api_schema_gives(full_world, name):
    resource = services.RESOURCES[name]
    rows = list(resource.visible(full_world["superuser"]).prefetch_related(*services.PREFETCH.get(name, ())))
    assert rows, f"no {name} to compare"
    for obj in rows:
        assert record(resource.out, obj) == resource.out.from_orm(obj).model_dump(mode="json")


def test_a_pull_sends_those_records(full_world):
    pulled = services.pull(user=full_world["coach"])["records"]
    photos = [e for e in pulled["evidence"] if e["photo_url"]]
    assert len(photos) == 1 and photos[0]["photo_url"].startswith("/api/v1/evidence/")
    assert {e["review"] for e in pulled["evidence"]} == {"pending", "returned"}
    checklists = pulled["checklists"]
    assert checklists and all(c["answers"] and {"item", "score", "comment"} == set(c["answers"][0])
                              for c in checklists)
