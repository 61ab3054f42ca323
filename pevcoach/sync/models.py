"""What the server keeps to make offline sync safe: each change applied once, conflicts kept."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    """One change pushed from a phone. Its client-made id makes a replay answer the first result."""

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10)
    result = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["user", "received_at"])]

    def __str__(self):
        return f"{self.id} {self.outcome}"


class Conflict(models.Model):
    """An offline edit that met a newer server value of the same field. Both are kept until someone chooses."""

    class Choice(models.TextChoices):
        OPEN = "open", _("Waiting for a choice")
        MINE = "mine", _("The offline version was kept")
        THEIRS = "theirs", _("The server version was kept")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.CharField(max_length=30)
    object_id = models.UUIDField()
    relationship = models.ForeignKey("coaching.Relationship", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=50)
    base_value = models.JSONField(null=True)
    server_value = models.JSONField(null=True)
    client_value = models.JSONField(null=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Choice.choices, default=Choice.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.model}.{self.field} {self.object_id}"


class Tombstone(models.Model):
    """A record removed on the server, so phones that hold it drop it at their next pull."""

    model = models.CharField(max_length=30)
    object_id = models.UUIDField()
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who held the record: the pair of its relationship and the managers above its centre.
    coach_id = models.BigIntegerField()
    coachee_id = models.BigIntegerField()
    org_unit_path = models.CharField(max_length=255)

    def __str__(self):
        return f"{self.model} {self.object_id}"
