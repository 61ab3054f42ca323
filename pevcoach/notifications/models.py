"""Notifications: what a person is told (in-app), how it leaves (e-mail, SMS), and the clock.

A Notification is one occasion for one person — a session tomorrow, an action overdue —
unique per (recipient, kind, object, occasion), so generating reminders twice never
tells anyone twice. It is the in-app item. Each e-mail or SMS it causes is a Delivery,
unique per (notification, channel): the outbound row a worker claims with a conditional
UPDATE before sending, and on which attempts, the last error and the next try are kept.
ScheduledRun is one run of a periodic job, unique per (job, slot): several schedulers
may tick, one creates the row and enqueues the job.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SESSION_TOMORROW = "session_tomorrow", _("Session tomorrow")
    SESSION_TODAY = "session_today", _("Session today")
    ACTION_DUE_SOON = "action_due_soon", _("Action due in two days")
    ACTION_OVERDUE = "action_overdue", _("Action overdue")
    GOAL_DEADLINE = "goal_deadline", _("Goal deadline approaching")
    EVIDENCE_TO_REVIEW = "evidence_to_review", _("Evidence waiting for your review")
    PROPOSAL_WAITING = "proposal_waiting", _("Coaching proposal waiting for you")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest for coaches")
    MONTHLY_SUMMARY = "monthly_summary", _("Monthly summary for managers")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


# What a person gets until they choose otherwise. In-app is always on: it costs nothing
# and it is the record. SMS cost money: only what is urgent goes by SMS.
DEFAULT_CHANNELS = {
    Kind.SESSION_TOMORROW: {Channel.EMAIL: True, Channel.SMS: True},
    Kind.SESSION_TODAY: {Channel.EMAIL: False, Channel.SMS: True},
    Kind.ACTION_DUE_SOON: {Channel.EMAIL: True, Channel.SMS: True},
    Kind.ACTION_OVERDUE: {Channel.EMAIL: True, Channel.SMS: True},
    Kind.GOAL_DEADLINE: {Channel.EMAIL: True, Channel.SMS: False},
    Kind.EVIDENCE_TO_REVIEW: {Channel.EMAIL: True, Channel.SMS: False},
    Kind.PROPOSAL_WAITING: {Channel.EMAIL: True, Channel.SMS: True},
    Kind.WEEKLY_DIGEST: {Channel.EMAIL: True, Channel.SMS: False},
    Kind.MONTHLY_SUMMARY: {Channel.EMAIL: True, Channel.SMS: False},
}


def _default_quiet(index):
    from pevcoach.notifications.timing import parse_quiet_hours

    hours = parse_quiet_hours(settings.NOTIFY_QUIET_HOURS)
    return hours[index] if hours else None


def default_quiet_start():
    return _default_quiet(0)


def default_quiet_end():
    return _default_quiet(1)


class Preferences(models.Model):
    """A person's choice of channels per kind, and their quiet hours (Bamako time)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preferences")
    channels = models.JSONField(default=dict, blank=True)  # {kind: {"email": bool, "sms": bool}}
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True, default=default_quiet_start)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True, default=default_quiet_end)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def wants(self, kind, channel):
        chosen = self.channels.get(kind, {})
        return bool(chosen.get(channel, DEFAULT_CHANNELS.get(kind, {}).get(channel, False)))


def _short_code():
    return secrets.token_urlsafe(6)  # 8 characters: short links fit in an SMS


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    object_id = models.CharField(max_length=64)
    occasion = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    code = models.CharField(max_length=16, unique=True, default=_short_code, editable=False)
    is_practice = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "object_id", "occasion"],
                                               name="one_notification_per_occasion")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    def is_expired(self, now=None):
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class Delivery(models.Model):
    """One e-mail or SMS to send for a notification, with its retry state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")
        SKIPPED = "skipped", _("Not sent")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    quota_taken = models.BooleanField(default=False)
    last_error = models.TextField(_("last error"), blank=True)
    provider_ref = models.CharField(_("gateway reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["status", "next_try_at"]), models.Index(fields=["channel", "sent_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address} ({self.status})"


class SmsQuota(models.Model):
    """SMS counted per Bamako day: one row per person and one for everyone (scope '*')."""

    day = models.DateField()
    scope = models.CharField(max_length=20)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "scope"], name="one_quota_per_day_and_scope")]

    def __str__(self):
        return f"{self.day} {self.scope}: {self.used}"


class ScheduledRun(models.Model):
    """One run of a periodic job in one slot, claimed once whatever the number of schedulers."""

    job = models.CharField(max_length=50)
    slot = models.CharField(max_length=30)
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")]

    def __str__(self):
        return f"{self.job} {self.slot}"
