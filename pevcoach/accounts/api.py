from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from pevcoach.accounts.services import check_second_step, issue_api_token

router = Router(tags=["accounts"])


class Credentials(Schema):
    username: str
    password: str
    code: str | None = Field(None, max_length=10, description="The authenticator app's code, for accounts that "
                             "turned two-step sign-in on.")


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    phone: str | None
    job_title: str
    language: str
    org_unit_id: int | None
    roles: list[str]


@router.post("/auth/token", auth=None, response=TokenOut)
def create_token(request, credentials: Credentials):
    """Exchange a username (or phone number) and password for a bearer token."""
    # Through the same backends as the web login: the throttle (django-axes) first, then the password.
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        # A locked-out address gets django-axes' answer instead (429 {"detail"}, see accounts/throttle.py).
        raise HttpError(401, _("Wrong username, phone number or password."))
    # Two-step sign-in: no code yet, the app asks for it (not a failure); a wrong code counts for the throttle
    # like a wrong password, so the codes cannot be tried one after another.
    if user.totp_secret and not (credentials.code and check_second_step(
            user=user, code=credentials.code, request=request, login=credentials.username)):
        raise HttpError(401, _("Give the code of your authenticator app (two-step sign-in)."))
    return {"token": issue_api_token(user=user, label=request.headers.get("User-Agent", "")[:100])}


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return {**{f: getattr(user, f) for f in MeOut.model_fields if f != "roles"}, "roles": [str(r) for r in user.roles]}
