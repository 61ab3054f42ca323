import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from pevcoach.accounts.phone import validate_mali_phone


class JobTitle(models.TextChoices):
    MCD = "mcd", _("District chief medical officer (MCD)")
    EPI_FOCAL_POINT = "pf_pev", _("EPI focal point")
    SUPERVISOR = "superviseur", _("Supervisor")
    DTC = "dtc", _("Head of health centre (DTC)")
    NURSE = "infirmier", _("Nurse")
    MIDWIFE = "sage_femme", _("Midwife")
    VACCINATOR = "vaccinateur", _("Vaccinator")
    CHW = "asc", _("Community health worker (ASC)")
    VOLUNTEER = "relais", _("Community volunteer (relais)")
    DATA_MANAGER = "gestionnaire", _("Data manager")
    OTHER = "autre", _("Other")


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"


class Role(models.TextChoices):
    """A person may hold several roles; each is a flag on the user."""

    COACH = "coach", _("Coach")
    COACHEE = "coachee", _("Coachee")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


ROLE_FIELDS = {
    Role.COACH: "is_coach",
    Role.COACHEE: "is_coachee",
    Role.MANAGER: "is_manager",
    Role.ADMIN: "is_org_admin",
}


class User(AbstractUser):
    """A health worker or supervisor. Logs in with a username or a Mali phone number."""

    phone = models.CharField(
        _("phone number"), max_length=16, unique=True, null=True, blank=True, validators=[validate_mali_phone],
        help_text=_("Mali number, e.g. +223 76 12 34 56"),
    )
    job_title = models.CharField(_("job title"), max_length=20, choices=JobTitle.choices, default=JobTitle.OTHER)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="people",
        verbose_name=_("org unit"),
    )
    is_coach = models.BooleanField(_("coach"), default=False)
    is_coachee = models.BooleanField(_("coachee"), default=False)
    is_manager = models.BooleanField(
        _("manager"), default=False, help_text=_("Sees the dashboards of their org unit and everything below it.")
    )
    is_org_admin = models.BooleanField(
        _("administrator"), default=False, help_text=_("Manages the people and org units below their org unit.")
    )
    approved_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    registered_with = models.ForeignKey(
        "accounts.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    # Changed when access is ended (account disabled, password reset): every web session stops at once.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)
    # Two-step sign-in (optional, for managers and administrators): the authenticator app's shared secret.
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name_of(self.first_name, self.last_name, self.username)

    @staticmethod
    def name_of(first_name, last_name, username):
        """How a person is named everywhere: the full name, else the username (exports call it with plain
        values, not models)."""
        return f"{first_name} {last_name}".strip() or username

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash of the password, salted with session_salt once access has been ended.
        return salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                           self.password + self.session_salt, secret=secret, algorithm="sha256").hexdigest()

    @property
    def may_use_two_step(self):
        """Those who oversee a subtree (managers, administrators, superusers)."""
        from pevcoach.orgunits.queries import sees_subtree  # orgunits depends on accounts: imported here

        return sees_subtree(self)

    @property
    def roles(self):
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    def role_labels(self):
        return [role.label for role in self.roles]

    @property
    def is_pending(self):
        """Registered through an invitation and not yet approved by an admin."""
        return not self.is_active and self.registered_with_id is not None and self.approved_by_id is None


def _invitation_code():
    # No 0/O or 1/I: codes are read aloud in workshops and typed on phones.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Invitation(models.Model):
    """A workshop code that lets health workers of one org unit register themselves."""

    code = models.CharField(_("code"), max_length=20, unique=True, default=_invitation_code)
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("org unit")
    )
    label = models.CharField(_("workshop"), max_length=200, blank=True)
    grants_coach = models.BooleanField(_("registrants are coaches"), default=False)
    grants_coachee = models.BooleanField(_("registrants are coachees"), default=True)
    expires_on = models.DateField(_("valid until"))
    max_uses = models.PositiveIntegerField(_("maximum registrations"), default=50)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return self.code

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return today <= self.expires_on and self.registrations.count() < self.max_uses


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API and the offline app. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.label or format(self.created_at, '%Y-%m-%d')})"

    def is_valid(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at and self.user.is_active
