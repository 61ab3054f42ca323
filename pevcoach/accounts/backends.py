from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from pevcoach.accounts.models import User
from pevcoach.accounts.phone import looks_like_phone, normalize_phone


class UsernameOrPhoneBackend(ModelBackend):
    """Health workers remember their phone number better than a username: accept both."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = self._find(username.strip())
        if user is None:
            # Hash anyway so that an unknown login takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _find(login):
        user = User.objects.filter(username__iexact=login).first()
        if user is None and looks_like_phone(login):
            try:
                user = User.objects.filter(phone=normalize_phone(login)).first()
            except ValidationError:
                return None
        return user
