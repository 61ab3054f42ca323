"""Numbers as the dashboards print them."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value, percent=False):
    """83 %, 4,5 %, 1250 or — for a missing value; one decimal only for a rate below 10."""
    if value is None:
        return "—"
    text = floatformat(value, 1 if percent and abs(value) < 10 and value != int(value) else 0)
    return f"{text} %" if percent else text


@register.filter
def share(part, whole):
    """part / whole as a whole percentage, or — when whole is nothing."""
    if not whole:
        return "—"
    return f"{round(100 * part / whole)} %"


@register.filter
def get(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key)
