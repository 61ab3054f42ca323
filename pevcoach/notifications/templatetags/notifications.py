from django import template

from pevcoach.notifications.queries import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user):
    """The badge in the header: one COUNT query, only on pages that show it."""
    return unread_count(user) if user.is_authenticated else 0
