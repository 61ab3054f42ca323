"""Sync changes are transactional: a change that fails half-way leaves nothing of itself behind."""

import datetime
import uuid

import pytest
from django.utils import timezone

from pevcoach.coaching.models import Action
from pevcoach.sync import services
from pevcoach.sync.models import Operation


def test_a_change_that_fails_after_its_write_leaves_nothing(cast, relationship, monkeypatch):
    change = {"op": str(uuid.uuid4()), "kind": "create", "model": "actions", "id": str(uuid.uuid4()), "data": {
        "relationship": str(relationship.pk), "description": "Half-way", "owner": cast["coachee"].pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()}}

    def crash(**kwargs):
        raise RuntimeError("the process dies after the action was written")

    monkeypatch.setattr(Operation.objects, "create", crash)
    with pytest.raises(RuntimeError):
        services.apply_change(user=cast["coach"], change=change)
    assert not Action.objects.filter(description="Half-way").exists()
    monkeypatch.undo()
    assert services.apply_change(user=cast["coach"], change=change)["status"] == "applied"  # the retry goes through
    assert Action.objects.filter(description="Half-way").count() == 1
