"""Who reads which notifications: each person their own, and nobody else's."""

from pevcoach.notifications.models import Notification


def notifications_of(user):
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    return notifications_of(user).filter(read_at__isnull=True).count()
