"""The API's body parser: JSON as django-ninja reads it, refusing any text that holds a NUL character.

No text of PEV Coach holds one, and PostgreSQL refuses to store it: without this check such input
would reach the database and fail there (a 500) instead of being refused as bad input (a 400).
"""

import json

from django.utils.translation import gettext as _
from ninja.parser import Parser


class NulCharacterError(ValueError):
    """Input holding a NUL character. django-ninja wraps parser errors; api.py answers this one clearly."""


def nul_message():
    return _("The request holds a NUL character, which no field accepts.")


def has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


class NulRefusingParser(Parser):
    def parse_body(self, request):
        if b"\x00" in request.body:
            raise NulCharacterError
        data = json.loads(request.body)
        if has_nul(data):
            raise NulCharacterError
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if any(has_nul(key) or has_nul(value) for key, value in result.items()):
            raise NulCharacterError
        return result
