from django.http import JsonResponse

from pevcoach.api.parser import has_nul, nul_message


class NulCharacterMiddleware:
    """Refuse an API query string holding a NUL character (400).

    No text of PEV Coach holds one, and PostgreSQL refuses to store it. Bodies are checked where the
    API parses them (api/parser.py, and sync push), never here: reading the body in a middleware
    would read one larger than DATA_UPLOAD_MAX_MEMORY_SIZE before the view can answer 413.
    Pages need no such check: Django's form fields already refuse NUL characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and any(
                has_nul(key) or has_nul(values) for key, values in request.GET.lists()):
            return JsonResponse({"detail": nul_message()}, status=400)
        return self.get_response(request)
