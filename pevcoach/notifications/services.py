"""Every write of the notifications app: notify, deliver, read, preferences.

notify() turns occasions into Notifications (in-app) and Deliveries (e-mail, SMS) in one
transaction; the unique keys make a second run, or a second worker, a no-op. deliver_due()
is the sending loop: it claims one delivery at a time with a conditional UPDATE (the row
changes only if it is still waiting, so two workers never hold the same one), then checks
expiry, quiet hours and SMS caps, sends, and records the outcome — success, a retry with
backoff, or a failure once attempts run out. Nothing is deleted on failure.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pevcoach.notifications import channels, occasions, sms, tasks
from pevcoach.notifications.models import Channel, Delivery, Kind, Notification, Preferences, SmsQuota
from pevcoach.notifications.timing import backoff, local, quiet_until

logger = logging.getLogger(__name__)

SENDING_LEASE_SECONDS = 600  # a claim older than this belongs to a worker that died: take it over


def preferences_of(user):
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


# --- Creating notifications -------------------------------------------------------------------

def short_link(notification):
    return settings.SITE_URL + reverse("notifications:open", args=[notification.code])


def _deliveries(notification, preferences):
    """The e-mail and SMS a new notification causes, by the recipient's choices. Practice: none."""
    person = notification.recipient
    if notification.is_practice:
        return []
    rows = []
    link = short_link(notification)
    if person.email and preferences.wants(notification.kind, Channel.EMAIL):
        footer = _("PEV Coach. Choose the messages you receive: %(url)s") % {
            "url": settings.SITE_URL + reverse("notifications:preferences")}
        rows.append(Delivery(notification=notification, channel=Channel.EMAIL, address=person.email,
                             subject=notification.title[:200],
                             body=f"{notification.body}\n\n{link}\n\n-- \n{footer}\n"))
    if person.phone and preferences.wants(notification.kind, Channel.SMS):
        text = sms.fit(f"PEV Coach: {notification.title}", link, max_segments=settings.SMS_MAX_SEGMENTS)
        rows.append(Delivery(notification=notification, channel=Channel.SMS, address=person.phone, body=text))
    return rows


def notify(found, *, now=None):
    """Create the notifications of these occasions that do not exist yet; return the new ones."""
    now = now or timezone.now()
    found = [o for o in found if o.recipient.is_active]
    if not found:
        return []
    existing = set(Notification.objects.filter(
        kind__in={o.kind for o in found}, object_id__in={o.object_id for o in found},
    ).values_list("recipient_id", "kind", "object_id", "occasion"))
    prefs = {p.user_id: p for p in Preferences.objects.filter(user__in={o.recipient.pk for o in found})}
    created, to_send = [], False
    for occasion in found:
        key = (occasion.recipient.pk, occasion.kind, occasion.object_id, occasion.occasion)
        if key in existing:
            continue
        existing.add(key)
        made = _create(occasion, prefs.get(occasion.recipient.pk) or Preferences(user=occasion.recipient), now)
        if made is not None:
            created.append(made[0])
            to_send = to_send or made[1]
    if to_send:
        # Send now rather than at the next sweep; were this lost, the sweep every 5 minutes sends them.
        tasks.deliver.enqueue()
    return created


def _create(occasion, preferences, now):
    with translation.override(occasion.recipient.language):
        title, body = occasion.compose()
        notification = Notification(
            recipient=occasion.recipient, kind=occasion.kind, object_id=occasion.object_id,
            occasion=occasion.occasion, title=title[:200], body=body, url=occasion.url,
            is_practice=occasion.is_practice, expires_at=occasion.expires_at, created_at=now)
        for _try in range(3):
            try:
                with transaction.atomic():
                    notification.save()
                    rows = _deliveries(notification, preferences)
                    Delivery.objects.bulk_create(rows)
                return notification, bool(rows)
            except IntegrityError:
                if Notification.objects.filter(recipient=occasion.recipient, kind=occasion.kind,
                                               object_id=occasion.object_id, occasion=occasion.occasion).exists():
                    return None  # another worker created it a moment ago
                notification.code = Notification._meta.get_field("code").default()  # a short code already taken
    raise IntegrityError(f"could not store notification {occasion.kind} {occasion.object_id}")


def send_reminders(*, now=None, slot=None):
    """The periodic job: notify every reminder due now."""
    created = notify(occasions.due(now or timezone.now()), now=now)
    return f"{len(created)} notification(s)"


def send_weekly_digests(*, now=None, slot=None):
    now = now or timezone.now()
    created = notify(occasions.weekly_digests(now, slot or local(now).strftime("%G-W%V")), now=now)
    return f"{len(created)} digest(s)"


def send_monthly_summaries(*, now=None, slot=None):
    now = now or timezone.now()
    created = notify(occasions.monthly_summaries(now, slot or local(now).strftime("%Y-%m")), now=now)
    return f"{len(created)} summary(ies)"


# --- Sending ---------------------------------------------------------------------------------------

def _claimable(now):
    stale = now - datetime.timedelta(seconds=SENDING_LEASE_SECONDS)
    return Q(status=Delivery.Status.PENDING, next_try_at__lte=now) | Q(status=Delivery.Status.SENDING,
                                                                        claimed_at__lt=stale)


def claim_next(worker, *, now=None):
    """Take one delivery that is due, or None. The conditional UPDATE is the lock: exactly one
    worker changes the row; the others see 0 rows changed and move on to the next candidate."""
    now = now or timezone.now()
    for pk in Delivery.objects.filter(_claimable(now)).order_by("next_try_at", "pk").values_list("pk", flat=True)[:20]:
        taken = Delivery.objects.filter(_claimable(now), pk=pk).update(
            status=Delivery.Status.SENDING, claimed_by=worker, claimed_at=now)
        if taken == 1:
            return Delivery.objects.select_related("notification__recipient").get(pk=pk)
    return None


def _finish(delivery, worker, **fields):
    """Record an outcome, only if this worker still holds the claim."""
    return Delivery.objects.filter(pk=delivery.pk, claimed_by=worker, status=Delivery.Status.SENDING).update(
        claimed_by="", **fields)


def _take(day, scope, cap):
    SmsQuota.objects.get_or_create(day=day, scope=scope)
    return SmsQuota.objects.filter(day=day, scope=scope, used__lt=cap).update(used=F("used") + 1) == 1


def take_sms_quota(user_id, day):
    """One SMS off the person's and the day's allowance, or False when either is used up."""
    if not _take(day, str(user_id), settings.SMS_PER_USER_PER_DAY):
        return False
    if not _take(day, "*", settings.SMS_PER_DAY):
        SmsQuota.objects.filter(day=day, scope=str(user_id)).update(used=F("used") - 1)
        return False
    return True


def _later(moment):
    tasks.deliver.using(run_after=moment).enqueue()


def process(delivery, worker, *, now=None):
    """Send one claimed delivery and record the outcome; return it as a word for the log."""
    now = now or timezone.now()
    notification = delivery.notification
    if notification.is_practice:
        _finish(delivery, worker, status=Delivery.Status.SKIPPED, last_error="practice: never sent")
        return "skipped"
    if notification.is_expired(now):
        _finish(delivery, worker, status=Delivery.Status.SKIPPED, last_error="too late: the occasion has passed")
        return "expired"
    preferences = preferences_of(notification.recipient)
    quiet_end = quiet_until(now, preferences.quiet_start, preferences.quiet_end)
    if quiet_end:  # the sweep after the quiet hours picks it up; no task per deferred message
        _finish(delivery, worker, status=Delivery.Status.PENDING, next_try_at=quiet_end)
        return "deferred"
    if delivery.channel == Channel.SMS and not delivery.quota_taken:
        if not take_sms_quota(notification.recipient_id, local(now).date()):
            _finish(delivery, worker, status=Delivery.Status.SKIPPED, last_error="daily SMS cap reached")
            return "capped"
        Delivery.objects.filter(pk=delivery.pk).update(quota_taken=True)
    attempts = delivery.attempts + 1
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts)
    try:
        reference = channels.send(delivery)
    except channels.SendError as exc:
        if exc.permanent or attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            _finish(delivery, worker, status=Delivery.Status.FAILED, last_error=str(exc)[:2000])
            logger.warning("delivery %s failed for good after %d attempt(s): %s", delivery.pk, attempts, exc)
            return "failed"
        retry_at = timezone.now() + backoff(attempts, settings.NOTIFY_RETRY_SECONDS)
        _finish(delivery, worker, status=Delivery.Status.PENDING, next_try_at=retry_at, last_error=str(exc)[:2000])
        _later(retry_at)
        return "retry"
    _finish(delivery, worker, status=Delivery.Status.SENT, sent_at=timezone.now(), provider_ref=reference or "",
            last_error="")
    return "sent"


def deliver_due(*, worker=None, limit=500, slot=None):
    """The sending loop: claim and send due deliveries until none is left (or `limit`)."""
    worker = worker or uuid.uuid4().hex
    outcomes = {}
    for _i in range(limit):
        delivery = claim_next(worker)
        if delivery is None:
            break
        outcome = process(delivery, worker)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@transaction.atomic
def retry_delivery(*, by, delivery):
    """An administrator sends a failed or skipped delivery again, now."""
    if not by.is_superuser:
        raise PermissionDenied
    if delivery.status not in (Delivery.Status.FAILED, Delivery.Status.SKIPPED):
        raise ValidationError(_("Only a failed or skipped message can be sent again."))
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, next_try_at=timezone.now(),
                                                   attempts=0, claimed_by="")
    tasks.deliver.enqueue()


# --- Reading and preferences -------------------------------------------------------------------------

def mark_read(*, by, notification):
    if notification.recipient_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, by):
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preferences(*, by, channels, quiet_start, quiet_end):
    """channels: {kind: {"email": bool, "sms": bool}} for the kinds shown; others keep their default."""
    unknown = set(channels) - set(Kind.values)
    if unknown:
        raise ValidationError(_("Unknown kind of message."))
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError(_("Give both ends of the quiet hours, or neither."))
    preferences = preferences_of(by)
    preferences.channels = {kind: {Channel.EMAIL.value: bool(c.get("email")), Channel.SMS.value: bool(c.get("sms"))}
                            for kind, c in channels.items()}
    preferences.quiet_start, preferences.quiet_end = quiet_start, quiet_end
    preferences.save()
    return preferences
