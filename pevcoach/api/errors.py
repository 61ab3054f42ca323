"""Error pages of the whole site that answer JSON under /api/ (contract C3: errors are {"detail": ...}).

A path under /api/v1/ that no operation matches (an id that is not a UUID, say) is refused by
Django's URL resolver before the API sees it; these handlers keep that answer JSON too.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong on the server; it has been logged.")}, status=500)
    return defaults.server_error(request)
