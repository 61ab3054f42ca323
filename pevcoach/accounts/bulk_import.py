"""Bulk creation of accounts from a CSV file, all or nothing.

Columns (header row required, `,` or `;` separated, UTF-8 or Windows-1252 as
Excel saves it): username, first_name, last_name, org_unit (code or DHIS2 UID)
are required; phone, email, job_title, roles (e.g. "coach;coachee"), language
and password are optional. An empty password gets a generated one, shown once.
"""

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pevcoach.accounts.models import JobTitle, Language, Role, User
from pevcoach.accounts.phone import normalize_phone
from pevcoach.accounts.services import create_user

REQUIRED = ("username", "first_name", "last_name", "org_unit")
OPTIONAL = ("phone", "email", "job_title", "roles", "language", "password")
MAX_ROWS = 5000

# Words people type in a spreadsheet, French or English, for each role.
ROLE_WORDS = {
    "coach": Role.COACH, "coaché": Role.COACHEE, "coache": Role.COACHEE, "coachee": Role.COACHEE,
    "manager": Role.MANAGER, "gestionnaire": Role.MANAGER, "admin": Role.ADMIN,
    "administrateur": Role.ADMIN, "administrator": Role.ADMIN,
}


class UserImportError(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class UserImportResult:
    created: list = field(default_factory=list)
    generated_passwords: dict = field(default_factory=dict)


def decode_upload(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _job_title(value):
    value = value.strip().lower()
    if not value:
        return JobTitle.OTHER
    for choice in JobTitle:
        if value in (choice.value, str(choice.label).lower()):
            return choice
    raise ValueError(_("unknown job title “%(value)s” (use one of: %(choices)s)")
                     % {"value": value, "choices": ", ".join(JobTitle.values)})


def _roles(value):
    roles = []
    for word in value.replace(",", ";").replace("|", ";").split(";"):
        word = word.strip().lower()
        if not word:
            continue
        if word not in ROLE_WORDS:
            raise ValueError(_("unknown role “%(value)s” (use coach, coachee, manager, admin)") % {"value": word})
        roles.append(ROLE_WORDS[word])
    return roles


def _language(value):
    value = value.strip().lower() or Language.FR
    if value not in Language.values:
        raise ValueError(_("unknown language “%(value)s” (use fr or en)") % {"value": value})
    return value


def _message(exc):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _read_rows(text):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UserImportError([_("The header row lacks the column(s): %(columns)s.")
                               % {"columns": ", ".join(missing)}])
    reader.fieldnames = header
    return reader


def import_users_csv(*, text, allowed_units):
    """Create every account of the file, or none: raises UserImportError listing each bad row."""
    reader = _read_rows(text)
    rows = list(reader)
    if not rows:
        raise UserImportError([_("The file has no rows under its header.")])
    if len(rows) > MAX_ROWS:
        raise UserImportError([_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS}])

    keys = {(r.get("org_unit") or "").strip() for r in rows}
    units = {}
    for unit in allowed_units.filter(Q(code__in=keys) | Q(dhis2_uid__in=keys)):
        units[unit.code] = units[unit.dhis2_uid] = unit

    errors, prepared, seen_usernames, seen_phones = [], [], set(), set()
    for line, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            prepared.append(_prepare(row, units, seen_usernames, seen_phones))
        except (ValueError, ValidationError) as exc:
            errors.append(_("Line %(line)d: %(error)s") % {"line": line, "error": _message(exc)})
    if errors:
        raise UserImportError(errors)

    result = UserImportResult()
    with transaction.atomic():
        for line, (fields, password, generated) in enumerate(prepared, start=2):
            try:
                user = create_user(password=password, **fields)
            except ValidationError as exc:  # a race with another import: still all or nothing
                raise UserImportError([_("Line %(line)d: %(error)s") % {"line": line, "error": _message(exc)}]) from exc
            result.created.append(user)
            if generated:
                result.generated_passwords[user.username] = password
    return result


def _prepare(row, units, seen_usernames, seen_phones):
    for name in REQUIRED:
        if not row.get(name):
            raise ValueError(_("the column “%(column)s” is empty") % {"column": name})
    username = row["username"]
    if username.lower() in seen_usernames:
        raise ValueError(_("the username “%(value)s” appears twice in the file") % {"value": username})
    if User.objects.filter(username__iexact=username).exists():
        raise ValueError(_("the username “%(value)s” is already taken") % {"value": username})
    seen_usernames.add(username.lower())
    unit = units.get(row["org_unit"])
    if unit is None:
        raise ValueError(_("unknown org unit “%(value)s”, or outside your area") % {"value": row["org_unit"]})
    phone = normalize_phone(row["phone"]) if row.get("phone") else None
    if phone:
        if phone in seen_phones or User.objects.filter(phone=phone).exists():
            raise ValueError(_("the phone number %(value)s is already used") % {"value": row["phone"]})
        seen_phones.add(phone)
    fields = {
        "username": username, "first_name": row["first_name"], "last_name": row["last_name"],
        "email": row.get("email", ""), "phone": phone, "org_unit": unit,
        "job_title": _job_title(row.get("job_title", "")), "roles": _roles(row.get("roles", "")),
        "language": _language(row.get("language", "")),
    }
    candidate = User(username=username, first_name=fields["first_name"], last_name=fields["last_name"],
                     email=fields["email"])
    candidate.full_clean(exclude=["password", "phone", "org_unit"], validate_unique=False)
    password, generated = row.get("password", ""), False
    if password:
        validate_password(password, candidate)
    else:
        password, generated = _readable_password(), True
    return fields, password, generated


def _readable_password():
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
