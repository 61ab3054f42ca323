"""The audit trail: who changed what, when and from where. Rows are only ever added."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def delete(self):
        raise PermissionDenied("The audit trail is append-only.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        DENIED = "denied", _("Access refused")
        IMPORT = "import", _("Import")
        IMPORT_REJECTED = "import_rejected", _("Import refused")
        EXPORT = "export", _("Personal data export")
        TOKEN = "token", _("Device connected")
        REVOKE = "revoke", _("Access ended")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and nothing on delete: a row keeps naming who acted after that account is gone.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+", verbose_name=_("who"))
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=50, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The org unit the record belongs to, so admins read the entries of their area only.
    org_unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def change_lines(self):
        """(field, "before → after") pairs for display."""
        return [(field, " → ".join("—" if v in (None, "") else str(v) for v in value)
                 if isinstance(value, list) else str(value)) for field, value in (self.changes or {}).items()]
