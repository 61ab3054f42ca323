"""Content-Security-Policy on every response.

Ten lines instead of django-csp: the policy is one fixed string (no nonces, since no page has an
inline script: all JS is in static files, and the JSON blocks of <script type="application/json">
are data, which a CSP does not execute), so a dependency would bring nothing but its settings.
"""

from django.conf import settings

# The Django admin's change list writes one inline <style> block; only its pages may use inline styles.
ADMIN_STYLE = ("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/"):
                policy = policy.replace(*ADMIN_STYLE)
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "geolocation=(), microphone=(), payment=(), usb=()")
        return response
