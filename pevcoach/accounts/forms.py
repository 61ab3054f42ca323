from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pevcoach.accounts.models import Invitation, JobTitle, Language, Role, User
from pevcoach.accounts.phone import display_phone, normalize_phone


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or phone number"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _("Wrong username, phone number or password. Both may be case-sensitive."),
        "inactive": _("This account is not active yet: an administrator must approve it."),
    }


class TwoStepCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=10, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class PhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else None

    def prepare_value(self, value):
        return display_phone(value) if value and str(value).startswith("+223") else value


class RegistrationForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=20,
                           help_text=_("Given at your training workshop."))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Letters, digits and . @ + - _ only.")})
    phone = PhoneField(label=_("Phone number"), required=False, max_length=25)
    job_title = forms.ChoiceField(label=_("Job title"), choices=JobTitle.choices)
    org_unit_code = forms.CharField(label=_("Your health centre (code)"), max_length=50, required=False,
                                    help_text=_("Leave empty to register at the unit of the invitation."))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.FR)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ServiceCheckedForm(forms.ModelForm):
    """The service checks that a phone number is free, with a plainer message than Django's."""

    def validate_unique(self):
        pass


class ProfileForm(ServiceCheckedForm):
    phone = PhoneField(label=_("Phone number"), required=False, max_length=25)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "email", "job_title", "language"]


class PersonForm(ServiceCheckedForm):
    """What an admin may change about someone in their area."""

    phone = PhoneField(label=_("Phone number"), required=False, max_length=25)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "email", "job_title", "language", "org_unit", "is_active"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].required = True
        self.initial.setdefault("roles", list(self.instance.roles))


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["org_unit", "label", "expires_on", "max_uses", "grants_coachee", "grants_coach"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise ValidationError(_("The end date is already past."))
        return value


class UserImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload
