from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.contrib.auth import REDIRECT_FIELD_NAME, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pevcoach.accounts import services, totp
from pevcoach.accounts.bulk_import import UserImportError, decode_upload, import_users_csv
from pevcoach.accounts.forms import (
    InvitationForm,
    LoginForm,
    PersonForm,
    ProfileForm,
    RegistrationForm,
    TwoStepCodeForm,
    UserImportForm,
)
from pevcoach.accounts.models import Invitation, Language, User
from pevcoach.accounts.queries import (
    invitations_visible_to,
    pending_registrations_for,
    people_administered_by,
    people_visible_to,
)
from pevcoach.orgunits.models import OrgUnit
from pevcoach.orgunits.queries import org_units_administered_by, sees_subtree


def _require_admin(user):
    if not (user.is_superuser or user.is_org_admin):
        raise PermissionDenied


def _require_overseer(user):
    if not sees_subtree(user):
        raise PermissionDenied


def _apply_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user.totp_secret:
            return super().form_valid(form)
        # Two-step sign-in: the password was right; the session is opened only with the code.
        self.request.session[TWO_STEP] = {"user": user.pk, "backend": user.backend, "next": self.get_success_url(),
                                          "login": form.cleaned_data.get("username", ""),
                                          "at": timezone.now().timestamp(), "tries": 0}
        return redirect("accounts:login_code")


TWO_STEP = "pev_two_step"
TWO_STEP_SECONDS, TWO_STEP_TRIES = 300, 5


def login_code(request):
    """Second step of the sign-in for those who turned two-step sign-in on: the code of their app."""
    pending = request.session.get(TWO_STEP)
    if not pending or timezone.now().timestamp() - pending["at"] > TWO_STEP_SECONDS:
        request.session.pop(TWO_STEP, None)
        return redirect("accounts:login")
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        # A wrong code is a failed sign-in: the audit trail records it and the login throttle counts it.
        if services.check_second_step(user=user, code=form.cleaned_data["code"], request=request,
                                      login=pending.get("login")):
            del request.session[TWO_STEP]
            auth_login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        pending["tries"] += 1
        request.session[TWO_STEP] = pending
        if pending["tries"] >= TWO_STEP_TRIES:
            del request.session[TWO_STEP]
            messages.error(request, _("Too many wrong codes: sign in again."))
            return redirect("accounts:login")
        form.add_error("code", _("This code does not match: check the time of your phone and try again."))
    return render(request, "accounts/login_code.html", {"form": form})


@login_required
def two_step(request):
    """Managers and administrators may protect their account with an authenticator app's codes."""
    user = request.user
    if not user.may_use_two_step and not user.totp_secret:
        raise PermissionDenied  # turning it on is for managers and administrators; off, for whoever has it on
    form = TwoStepCodeForm(request.POST or None)
    secret = None
    if not user.totp_secret:
        secret = request.session.get("pev_two_step_secret") or totp.new_secret()
        request.session["pev_two_step_secret"] = secret
    if request.method == "POST" and form.is_valid():
        try:
            if user.totp_secret:
                services.disable_two_step(user=user, code=form.cleaned_data["code"])
                messages.success(request, _("Two-step sign-in is off."))
            else:
                services.enable_two_step(user=user, secret=secret, code=form.cleaned_data["code"])
                update_session_auth_hash(request, user)
                request.session.pop("pev_two_step_secret", None)
                messages.success(request, _("Two-step sign-in is on: you will give a code at each sign-in."))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("accounts:profile")
    return render(request, "accounts/two_step.html", {
        "form": form, "secret": secret,
        "uri": totp.provisioning_uri(secret, account=user.username) if secret else None,
    })


def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = _registration_unit(data)
        if unit is None:
            form.add_error("org_unit_code", _("No unit has this code."))
        else:
            try:
                services.register_with_invitation(
                    code=data["code"], password=data["password1"], org_unit=unit, username=data["username"],
                    first_name=data["first_name"], last_name=data["last_name"], phone=data["phone"],
                    job_title=data["job_title"], language=data["language"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return render(request, "accounts/register_done.html")
    return render(request, "accounts/register.html", {"form": form})


def _registration_unit(data):
    if data["org_unit_code"]:
        return OrgUnit.objects.filter(code__iexact=data["org_unit_code"].strip()).first()
    invitation = Invitation.objects.filter(code__iexact=data["code"].strip()).select_related("org_unit").first()
    return invitation.org_unit if invitation else None


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    tokens = user.api_tokens.filter(revoked_at__isnull=True)
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens})


@login_required
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Ends the sessions and tokens of every other browser and phone, then keeps this one.
        user = services.reset_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password.html", {"form": form})


@require_POST
def switch_language(request):
    language = request.POST.get("language")
    if language not in Language.values:
        language = Language.FR
    if request.user.is_authenticated:
        services.update_profile(user=request.user, language=language)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def people(request):
    _require_overseer(request.user)
    people = people_visible_to(request.user).select_related("org_unit").order_by("org_unit__path", "last_name")
    pending = pending_registrations_for(request.user) if request.user.is_org_admin or request.user.is_superuser else []
    return render(request, "accounts/people.html", {"people": people, "pending": pending})


@login_required
def person(request, pk):
    _require_overseer(request.user)
    someone = get_object_or_404(people_visible_to(request.user).select_related("org_unit"), pk=pk)
    can_edit = people_administered_by(request.user).filter(pk=pk).exists()
    return render(request, "accounts/person.html", {"person": someone, "can_edit": can_edit})


@login_required
def edit_person(request, pk):
    _require_admin(request.user)
    someone = get_object_or_404(people_administered_by(request.user), pk=pk)
    form = PersonForm(request.POST or None, instance=someone, units=org_units_administered_by(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_person(
                user=someone, org_unit=data["org_unit"], roles=data["roles"], is_active=data["is_active"],
                **{name: data[name] for name in ("first_name", "last_name", "phone", "email", "job_title", "language")},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:person", pk=someone.pk)
    return render(request, "accounts/person_edit.html", {"form": form, "person": someone})


@login_required
def reset_password(request, pk):
    _require_admin(request.user)
    someone = get_object_or_404(people_administered_by(request.user), pk=pk)
    form = SetPasswordForm(someone, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Someone who forgot their password may have lost their phone too: two-step sign-in is turned off.
        services.reset_password(user=someone, password=form.cleaned_data["new_password1"], clear_two_step=True)
        messages.success(request, _("New password set. Give it to %(name)s in person or by phone.") % {"name": someone})
        return redirect("accounts:person", pk=someone.pk)
    return render(request, "accounts/reset_password.html", {"form": form, "person": someone})


@login_required
@require_POST
def decide_registration(request, pk):
    _require_admin(request.user)
    someone = get_object_or_404(pending_registrations_for(request.user), pk=pk)
    if request.POST.get("decision") == "approve":
        services.approve_registration(approver=request.user, user=someone)
        messages.success(request, _("%(name)s can now sign in.") % {"name": someone})
    else:
        services.reject_registration(user=someone)
        messages.info(request, _("Registration refused."))
    return redirect("accounts:people")


@login_required
def import_people(request):
    _require_admin(request.user)
    form = UserImportForm(request.POST or None, request.FILES or None)
    result, errors = None, []
    if request.method == "POST" and form.is_valid():
        text = decode_upload(form.cleaned_data["file"].read())
        try:
            result = import_users_csv(text=text, allowed_units=org_units_administered_by(request.user))
        except UserImportError as exc:
            errors = exc.errors
    return render(request, "accounts/import.html", {"form": form, "result": result, "errors": errors})


@login_required
def invitations(request):
    _require_admin(request.user)
    form = InvitationForm(request.POST or None, units=org_units_administered_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.create_invitation(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Invitation code %(code)s created.") % {"code": invitation.code})
            return redirect("accounts:invitations")
    return render(request, "accounts/invitations.html", {
        "form": form, "invitations": invitations_visible_to(request.user),
    })


@login_required
@require_POST
def revoke_token(request, pk):
    services.revoke_api_token(user=request.user, token_id=pk)
    return redirect("accounts:profile")


def admin_login(request, extra_context=None):
    """The Django admin signs in through our login page (password, then two-step code), never its own."""
    if request.user.is_authenticated:
        if admin_site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied
    target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    return redirect_to_login(target, settings.LOGIN_URL)


def _export_response(request, person):
    from pevcoach.accounts.export import export_personal_data

    data = export_personal_data(person, for_self=request.user.pk == person.pk)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = (
        f'attachment; filename="pevcoach-{person.username}-{timezone.localdate():%Y%m%d}.json"')
    return response


@login_required
def export_my_data(request):
    """Everything PEV Coach holds about me, as one JSON file."""
    return _export_response(request, request.user)


@login_required
def export_person(request, pk):
    """An administrator answers a data-protection request for someone of their area."""
    _require_admin(request.user)
    return _export_response(request, get_object_or_404(people_administered_by(request.user), pk=pk))
