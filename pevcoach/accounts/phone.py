"""Mali phone numbers: +223 followed by 8 digits.

Mali's numbering plan (ITU-T E.164 country code 223) uses 8-digit national
numbers with no trunk prefix: fixed lines start with 2 or 4, mobile lines
with 5, 6, 7, 8 or 9. People write them in many ways ("76 12 34 56",
"0022376123456", "+223 76-12-34-56"); we store one form, "+22376123456".
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NATIONAL = re.compile(r"^[2456789]\d{7}$")


def normalize_phone(raw):
    """The number in the one form we store ("+223" and its 8 digits, e.g. "+22376123456"); raises a
    ValidationError with a plain message when it is not a Mali number."""
    digits = re.sub(r"[\s.\-()/]", "", raw or "")
    if digits.startswith("+223"):
        digits = digits[4:]
    elif digits.startswith("00223"):
        digits = digits[5:]
    elif digits.startswith("223") and len(digits) == 11:
        digits = digits[3:]
    if not _NATIONAL.match(digits):
        raise ValidationError(
            _("%(value)s is not a Mali phone number (8 digits after +223, e.g. +223 76 12 34 56)."),
            code="invalid_phone",
            params={"value": raw},
        )
    return f"+223{digits}"


def validate_mali_phone(value):
    if normalize_phone(value) != value:
        raise ValidationError(_("Write the number as +223 followed by 8 digits."), code="phone_format")


def looks_like_phone(text):
    """True when a login name is a phone number rather than a username."""
    return bool(re.fullmatch(r"[+\d][\d\s.\-()]{6,}", (text or "").strip()))


def display_phone(value):
    if not value:
        return ""
    national = value[4:]
    return "+223 " + " ".join(national[i:i + 2] for i in range(0, 8, 2))
