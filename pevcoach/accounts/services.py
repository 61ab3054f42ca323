"""Every write to people, invitations and tokens goes through these functions.

Views and the API check *who* may act (see queries.py); these functions keep the
rules of *what* may be written, inside one transaction.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.accounts import totp
from pevcoach.accounts.models import ROLE_FIELDS, ApiToken, Invitation, JobTitle, User, hash_token
from pevcoach.accounts.phone import normalize_phone
from pevcoach.audit import services as audit

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "language")


def _clean_phone(phone, *, exclude_pk=None):
    if not phone:
        return None
    phone = normalize_phone(phone)
    if User.objects.filter(phone=phone).exclude(pk=exclude_pk).exists():
        raise ValidationError({"phone": _("This phone number is already used by another account.")})
    return phone


def _check_username_free(username):
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})


def create_user(*, username, password, org_unit=None, first_name="", last_name="", phone=None, email="",
                job_title=JobTitle.OTHER, language="fr", roles=(),
                is_active=True, is_demo=False, **extra):
    _check_username_free(username)
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email,
        phone=_clean_phone(phone), job_title=job_title, language=language, org_unit=org_unit,
        is_active=is_active, is_demo=is_demo, **extra,
    )
    for role in roles:
        setattr(user, ROLE_FIELDS[role], True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(user, creating=True)
    return user


@transaction.atomic
def register_with_invitation(*, code, password, org_unit, **fields):
    """Self-registration from a workshop: the account waits for an admin's approval."""
    invitation = Invitation.objects.select_for_update().filter(code__iexact=code.strip()).first()
    if invitation is None or not invitation.is_open():
        raise ValidationError({"code": _("This invitation code is unknown or no longer valid.")})
    if not invitation.org_unit.contains(org_unit):
        raise ValidationError({"org_unit": _("Choose a unit covered by your invitation.")})
    validate_password(password, User(username=fields.get("username", ""), **{
        k: v for k, v in fields.items() if k in ("first_name", "last_name", "email")
    }))
    roles = [role for role, granted in (("coach", invitation.grants_coach), ("coachee", invitation.grants_coachee))
             if granted]
    return create_user(password=password, org_unit=org_unit, roles=roles, is_active=False,
                       registered_with=invitation, **fields)


@transaction.atomic
def approve_registration(*, approver, user):
    before = audit.snapshot(user)
    user.is_active = True
    user.approved_by = approver
    user.save(update_fields=["is_active", "approved_by"])
    audit.record_change(user, before=before, actor=approver)
    return user


@transaction.atomic
def reject_registration(*, user):
    if not user.is_pending:
        raise ValidationError(_("Only a pending registration can be rejected."))
    audit.record(action=audit.Action.DELETE, obj=user, changes={"username": [user.username, None]})
    user.delete()


@transaction.atomic
def create_invitation(*, created_by, org_unit, expires_on, label="", grants_coach=False, grants_coachee=True,
                      max_uses=50):
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The end date is already past.")})
    invitation = Invitation.objects.create(
        created_by=created_by, org_unit=org_unit, expires_on=expires_on, label=label,
        grants_coach=grants_coach, grants_coachee=grants_coachee, max_uses=max_uses,
    )
    audit.record_change(invitation, creating=True, actor=created_by)
    return invitation


@transaction.atomic
def update_profile(*, user, **fields):
    """A person edits their own details (never their roles or org unit)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "phone" in fields:
        fields["phone"] = _clean_phone(fields["phone"], exclude_pk=user.pk)
    before = audit.snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(user, before=before)
    return user


@transaction.atomic
def update_person(*, user, org_unit, roles, is_active, **fields):
    """An admin edits someone in their scope: details, org unit, roles, access."""
    if "phone" in fields:
        fields["phone"] = _clean_phone(fields["phone"], exclude_pk=user.pk)
    before = audit.snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    user.org_unit = org_unit
    for role, field in ROLE_FIELDS.items():
        setattr(user, field, role in roles)
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(user, before=before)
    if not is_active:
        end_access(user=user)
    return user


@transaction.atomic
def reset_password(*, user, password, clear_two_step=False):
    """An admin sets a new password for someone who forgot theirs (and maybe lost their phone: two-step
    sign-in off); a person changes their own."""
    validate_password(password, user)
    user.set_password(password)
    changes = {"password": [audit.HIDDEN, audit.HIDDEN]}
    if clear_two_step and user.totp_secret:
        user.totp_secret = ""
        changes["totp_secret"] = [audit.HIDDEN, ""]
    user.save(update_fields=["password", "totp_secret"])
    audit.record(action=audit.Action.UPDATE, obj=user, changes=changes)
    end_access(user=user)
    return user


def end_access(*, user):
    """End every web session and API token of someone whose password changed or who was disabled.

    Sessions end by changing the user's session salt, which every session's hash depends on (whatever
    the session store); a page that wants to keep its own session calls update_session_auth_hash after.
    """
    user.session_salt = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_salt=user.session_salt)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(action=audit.Action.REVOKE, obj=user, changes={"sessions": "ended", "tokens revoked": revoked})


def issue_api_token(*, user, label=""):
    """Return the raw token once; only its hash is kept."""
    raw = "pev_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), label=label[:100],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(action=audit.Action.TOKEN, obj=token, actor=user, org_unit_path=audit.scope_path(user),
                 changes={"label": token.label, "expires_at": token.expires_at})
    return raw


def user_for_token(raw):
    token = ApiToken.objects.select_related("user", "user__org_unit").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_valid():
        return None
    now = timezone.now()
    # Write the last-use time at most once a minute: a phone syncing often should not write every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_api_token(*, user, token_id):
    revoked = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if revoked:
        audit.record(action=audit.Action.REVOKE, object_type="accounts.apitoken", object_id=token_id,
                     actor=user, org_unit_path=audit.scope_path(user))
    return revoked


def token_of_disabled_account(raw):
    """True when a bearer token belongs to an account that was disabled: the phone then wipes its copy."""
    return ApiToken.objects.filter(key_hash=hash_token(raw), user__is_active=False).exists()


def check_second_step(*, user, code, request, login=None):
    """The second step of a sign-in (web page or API token): True when `code` is the one of `user`'s app.

    A wrong code is a failed sign-in: the audit trail records it and the login throttle (django-axes)
    counts it, under the login typed at the first step (`login`, else the username), like a wrong password.
    """
    if user is not None and user.is_active and totp.verify(user.totp_secret, code):
        return True
    user_login_failed.send(sender=__name__, credentials={"username": login or (user.username if user else "")},
                           request=request)
    return False


@transaction.atomic
def enable_two_step(*, user, secret, code):
    """Turn two-step sign-in on, once the person proved their app shows the codes of `secret`."""
    if not user.may_use_two_step:
        raise ValidationError(_("Two-step sign-in is for managers and administrators."))
    if not totp.verify(secret, code):
        raise ValidationError({"code": _("This code does not match: check the time of your phone and try again.")})
    before = audit.snapshot(user)
    user.totp_secret = secret
    user.save(update_fields=["totp_secret"])
    audit.record_change(user, before=before)
    end_access(user=user)  # other browsers sign in again, now with a code
    return user


@transaction.atomic
def disable_two_step(*, user, code):
    if not totp.verify(user.totp_secret, code):
        raise ValidationError({"code": _("This code does not match.")})
    before = audit.snapshot(user)
    user.totp_secret = ""
    user.save(update_fields=["totp_secret"])
    audit.record_change(user, before=before)
    return user
