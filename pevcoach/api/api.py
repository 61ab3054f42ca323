"""The JSON API under /api/v1/ (contract C3). Each domain app adds its own router."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from pevcoach.accounts.api import router as accounts_router
from pevcoach.api.auth import BearerToken
from pevcoach.api.parser import NulCharacterError, NulRefusingParser, nul_message
from pevcoach.coaching.api import router as coaching_router
from pevcoach.indicators.api import router as indicators_router
from pevcoach.notifications.api import router as notifications_router
from pevcoach.orgunits.api import router as orgunits_router
from pevcoach.sync.api import router as sync_router

ERROR = {"type": "object", "required": ["detail"], "properties": {
    "detail": {"description": "What is wrong: a sentence, or a list or mapping of problems per field."},
    "code": {"type": "string", "description": "`account_disabled` when the account was disabled."}}}
ERRORS = {
    "400": "The request breaks a rule (a past due date, a record of another relationship…).",
    "401": "Authentication required: no valid token or session.",
    "403": "You may see this record but not do this.",
    "404": "No such record among those you may see.",
    "409": "This id is already used by another record (contract C4).",
    "422": "The input does not fit the schema.",
}


class DocumentedErrorsAPI(NinjaAPI):
    """Every operation documents its error answers: JSON {"detail": ...} with the right 4xx (contract C3)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                statuses = dict(ERRORS)
                if not operation.get("security"):
                    del statuses["401"]
                if path.endswith("/sync/push"):
                    statuses["413"] = "Too much at once: send fewer changes per batch."
                if path.endswith("/auth/token"):
                    statuses["401"] = "Wrong username, phone number or password."
                    statuses["429"] = "Too many failed sign-ins from this address: wait 15 minutes."
                for status, text in statuses.items():
                    operation["responses"].setdefault(status, {
                        "description": text, "content": {"application/json": {"schema": ERROR}}})
        return schema


api = DocumentedErrorsAPI(
    title="PEV Coach API",
    version="1",
    description="Coaching for immunization programmes. Authenticate with POST /auth/token, "
    "then send `Authorization: Bearer <token>`.",
    # Phones use a bearer token; the web app's own pages (offline sync) use the session, with CSRF.
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    parser=NulRefusingParser(),  # refuses a NUL character in a body or a form (400)
)
api.add_router("/", accounts_router)
api.add_router("/org-units", orgunits_router)
api.add_router("/", coaching_router)
api.add_router("/", sync_router)
api.add_router("/", indicators_router)
api.add_router("/", notifications_router)


@api.exception_handler(ValidationError)
def django_validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(NulCharacterError)
def nul_character(request, exc):
    return api.create_response(request, {"detail": nul_message()}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, NulCharacterError):  # django-ninja wraps what the body parser raises
        return nul_character(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    if getattr(request, "account_disabled", False):
        # The phone of a disabled account wipes its copy when it reads this code (sync.js).
        return api.create_response(request, {"detail": _("This account is disabled."), "code": "account_disabled"},
                                   status=401)
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)
