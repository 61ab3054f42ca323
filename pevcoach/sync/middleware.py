class OfflinePagesMiddleware:
    """Mark the HTML pages a signed-in user may keep on their phone for offline use.

    The service worker keeps only pages with `X-Offline: keep`, so sign-in pages, errors and
    other people's sessions never end up in a phone's cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method == "GET" and response.status_code == 200 and request.user.is_authenticated
                and response.get("Content-Type", "").startswith("text/html")):
            response["X-Offline"] = "keep"
            response["Cache-Control"] = "private, no-cache"
        return response
