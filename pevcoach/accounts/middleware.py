from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone, translation

from pevcoach.accounts.models import User


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


LOGIN_AT = "pev_login_at"
SEEN = "pev_seen_at"


def stamp_login(sender, request, user, **kwargs):
    """user_logged_in: remember when this session signed in, for its 12-hour limit."""
    if hasattr(request, "session"):
        request.session[LOGIN_AT] = timezone.now().timestamp()


class SessionLimitsMiddleware:
    """Web sessions end 12 hours after sign-in (SESSION_MAX_SECONDS) whatever happens; 30 minutes
    without a request end them too (SESSION_COOKIE_AGE, renewed when a request comes more than
    SESSION_RENEW_SECONDS after the last renewal: one session write a minute, not one per request).

    It also tells the rest of the request when the session belonged to an account that has since
    been disabled (`request.account_disabled`): the API then says so, and the phone wipes its copy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.account_disabled = False
        session = request.session
        user_id = session.get(SESSION_KEY)
        if user_id is not None:
            started = session.get(LOGIN_AT)
            now = timezone.now().timestamp()
            if started is None and request.user.is_authenticated:
                session[LOGIN_AT] = now  # a session from before this rule: its 12 hours start now
            elif started is not None and now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
            elif not request.user.is_authenticated:
                request.account_disabled = User.objects.filter(pk=user_id, is_active=False).exists()
            elif now - session.get(SEEN, started) > settings.SESSION_RENEW_SECONDS:
                session[SEEN] = now  # a changed session is saved with a new expiry: 30 more minutes
        return self.get_response(request)
