import json

from django.http import JsonResponse
from django.utils.translation import gettext as _


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class NulCharacterMiddleware:
    """Refuse API input holding a NUL character (400), in the query or in a JSON body.

    No text of PEV Coach holds one, and PostgreSQL refuses to store it: without this check such
    input would reach the database and fail there (a 500) instead of being refused as bad input.
    Pages need no such check: Django's form fields already refuse NUL characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self._carries_nul(request):
            return JsonResponse({"detail": _("The request holds a NUL character, which no field accepts.")},
                                status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request):
        if any(_has_nul(key) or _has_nul(values) for key, values in request.GET.lists()):
            return True
        if request.method in ("POST", "PUT", "PATCH") and b"\\u0000" in request.body:
            try:
                return _has_nul(json.loads(request.body))
            except ValueError:
                return False  # not JSON: the endpoint answers that itself
        return b"\x00" in request.body if request.method in ("POST", "PUT", "PATCH") else False
