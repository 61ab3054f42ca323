from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from pevcoach.accounts import throttle
from pevcoach.accounts.models import User
from pevcoach.accounts.phone import looks_like_phone, normalize_phone


class ThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock check, first of the backends, for every sign-in made over HTTP.

    Without a request there is no address to lock (a shell, a management command, the test
    client's login()): the check is skipped there instead of refusing the sign-in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UsernameOrPhoneBackend(ModelBackend):
    """Health workers remember their phone number better than a username: accept both."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if request is not None:
            throttle.slow_down(username)  # many failures from many addresses: wait, but never lock out
        user = self.find(username.strip())
        if user is None:
            # Hash anyway so that an unknown login takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def find(login):
        user = User.objects.filter(username__iexact=login).first()
        if user is None and looks_like_phone(login):
            try:
                user = User.objects.filter(phone=normalize_phone(login)).first()
            except ValidationError:
                return None
        return user

