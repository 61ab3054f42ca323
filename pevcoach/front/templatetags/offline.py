"""Template helpers for forms that also work offline (see sync/static/sync/sync.js)."""

import json

from django import template

register = template.Library()


@register.filter
def as_json(value):
    """JSON for a data-* attribute; the template's escaping keeps it intact in the attribute."""
    return json.dumps(value, default=str)


@register.simple_tag
def offline_fields(**fields):
    """A dict of fixed fields for data-offline-fixed, leaving out empty ones."""
    return json.dumps({name: str(value) if not isinstance(value, int | bool) else value
                       for name, value in fields.items() if value not in (None, "")}, default=str)
