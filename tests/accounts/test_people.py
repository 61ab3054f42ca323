from django.urls import reverse

from pevcoach.accounts.models import ApiToken, Invitation, User
from pevcoach.accounts.services import issue_api_token


def test_manager_lists_people_of_the_district_only(login, cast):
    html = login(cast["district_manager"]).get(reverse("accounts:people")).content.decode()
    assert cast["coachee"].last_name in html and cast["sibling"].last_name in html
    assert cast["outsider"].last_name not in html and cast["far_admin"].last_name not in html


def test_coachee_may_not_list_people(login, cast):
    assert login(cast["coachee"]).get(reverse("accounts:people")).status_code == 403


def test_person_pages_of_another_district_are_404(login, cast):
    client = login(cast["outsider"])
    for name in ["accounts:person", "accounts:edit_person", "accounts:reset_password"]:
        assert client.get(reverse(name, args=[cast["coachee"].pk])).status_code in (403, 404)
    client = login(cast["far_admin"])
    for name in ["accounts:person", "accounts:edit_person", "accounts:reset_password"]:
        assert client.get(reverse(name, args=[cast["coachee"].pk])).status_code == 404


def test_admin_gives_roles_and_moves_a_person(login, cast, tree):
    client = login(cast["district_admin"])
    coachee = cast["coachee"]
    response = client.post(reverse("accounts:edit_person", args=[coachee.pk]), {
        "first_name": "Seydou", "last_name": coachee.last_name, "phone": "76 11 22 33", "email": "",
        "job_title": "dtc", "language": "fr", "org_unit": tree["K2"].pk, "is_active": "on",
        "roles": ["coachee", "coach"],
    })
    assert response.status_code == 302
    coachee.refresh_from_db()
    assert coachee.is_coach and coachee.is_coachee and coachee.org_unit == tree["K2"] and coachee.job_title == "dtc"


def test_admin_cannot_move_someone_outside_their_area(login, cast, tree):
    client = login(cast["district_admin"])
    coachee = cast["coachee"]
    response = client.post(reverse("accounts:edit_person", args=[coachee.pk]), {
        "first_name": "S", "last_name": "O", "phone": "", "email": "", "job_title": "dtc", "language": "fr",
        "org_unit": tree["Z1"].pk, "is_active": "on",
    })
    assert response.status_code == 200
    coachee.refresh_from_db()
    assert coachee.org_unit == tree["K1"]


def test_disabling_someone_revokes_their_tokens(login, cast):
    coachee = cast["coachee"]
    issue_api_token(user=coachee)
    login(cast["district_admin"]).post(reverse("accounts:edit_person", args=[coachee.pk]), {
        "first_name": "S", "last_name": "O", "phone": "", "email": "", "job_title": "dtc", "language": "fr",
        "org_unit": coachee.org_unit.pk,
    })
    coachee.refresh_from_db()
    assert not coachee.is_active
    assert not ApiToken.objects.filter(user=coachee, revoked_at__isnull=True).exists()


def test_admin_resets_a_forgotten_password(login, cast, client):
    admin = login(cast["district_admin"])
    response = admin.post(reverse("accounts:reset_password", args=[cast["coachee"].pk]),
                          {"new_password1": "Nouveau-Pass-77", "new_password2": "Nouveau-Pass-77"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast["coachee"].pk).check_password("Nouveau-Pass-77")


def test_a_weak_reset_password_is_refused(login, cast):
    admin = login(cast["district_admin"])
    response = admin.post(reverse("accounts:reset_password", args=[cast["coachee"].pk]),
                          {"new_password1": "azerty", "new_password2": "azerty"})
    assert response.status_code == 200 and "trop court" in response.content.decode()


def test_admin_creates_an_invitation_code(login, cast, tree):
    client = login(cast["district_admin"])
    response = client.post(reverse("accounts:invitations"), {
        "org_unit": tree["district"].pk, "label": "Atelier mars", "expires_on": "2099-03-31", "max_uses": 30,
        "grants_coachee": "on",
    })
    assert response.status_code == 302
    invitation = Invitation.objects.get(label="Atelier mars")
    assert len(invitation.code) == 8 and invitation.org_unit == tree["district"]


def test_an_invitation_cannot_end_in_the_past_or_cover_another_area(login, cast, tree):
    client = login(cast["district_admin"])
    client.post(reverse("accounts:invitations"), {"org_unit": tree["district"].pk, "label": "old",
                                                   "expires_on": "2001-01-01", "max_uses": 3})
    client.post(reverse("accounts:invitations"), {"org_unit": tree["Z1"].pk, "label": "far",
                                                   "expires_on": "2099-01-01", "max_uses": 3})
    assert not Invitation.objects.exists()


def test_invitations_page_is_for_admins(login, cast):
    assert login(cast["coach"]).get(reverse("accounts:invitations")).status_code == 403
