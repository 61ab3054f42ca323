from pevcoach.audit import services
from pevcoach.audit.context import current_request


class AuditMiddleware:
    """Makes the request known to the audit trail, and records the accesses refused to signed-in people:
    any 403, and a 404 on a page or endpoint that names a record (someone else's, or none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if self._refused(request, response):
                user = request.user
                services.record(action=services.Action.DENIED, request=request, object_type="page",
                                object_repr=f"{request.method} {request.path}",
                                org_unit_path=user.org_unit.path if user.org_unit_id else "",
                                changes={"method": request.method, "status": response.status_code})
        finally:
            current_request.reset(token)
        return response

    @staticmethod
    def _refused(request, response):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if response.status_code == 403:
            return True
        match = getattr(request, "resolver_match", None)
        return response.status_code == 404 and match is not None and bool(match.kwargs)
