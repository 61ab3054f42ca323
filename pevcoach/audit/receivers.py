"""Sign-ins, sign-outs and failed sign-ins go to the audit trail (Django's auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pevcoach.audit.services import Action, record


def _path(user):
    return user.org_unit.path if getattr(user, "org_unit_id", None) else ""


@receiver(user_logged_in, dispatch_uid="audit_login")
def signed_in(sender, request, user, **kwargs):
    record(action=Action.LOGIN, obj=user, actor=user, request=request, org_unit_path=_path(user))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(action=Action.LOGOUT, obj=user, actor=user, request=request, org_unit_path=_path(user))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    from pevcoach.accounts.backends import UsernameOrPhoneBackend

    login = str(credentials.get("username") or "")[:150]
    someone = UsernameOrPhoneBackend.find(login.strip()) if login.strip() else None
    record(action=Action.LOGIN_FAILED, request=request, actor=None, object_type="accounts.user",
           object_id=str(someone.pk) if someone else "", object_repr=login,
           org_unit_path=_path(someone) if someone else "")
