from django.urls import reverse

from pevcoach.accounts.models import ApiToken
from pevcoach.accounts.services import issue_api_token
from tests.factories import PASSWORD


def profile_data(**changes):
    return {"first_name": "Seydou", "last_name": "Ouattara", "phone": "76 99 88 77", "email": "s@example.org",
            "job_title": "vaccinateur", "language": "fr"} | changes


def test_a_person_edits_their_own_profile(login, cast):
    client = login(cast["coachee"])
    assert client.post(reverse("accounts:profile"), profile_data()).status_code == 302
    cast["coachee"].refresh_from_db()
    assert cast["coachee"].phone == "+22376998877" and cast["coachee"].first_name == "Seydou"


def test_a_phone_already_used_is_refused(login, cast):
    client = login(cast["coachee"])
    response = client.post(reverse("accounts:profile"), profile_data(phone="+22366112233"))
    assert response.status_code == 200 and "déjà utilisé" in response.content.decode()
    cast["coachee"].refresh_from_db()
    assert cast["coachee"].phone == "+22376112233"


def test_profile_cannot_change_roles_or_unit(login, cast, tree):
    client = login(cast["coachee"])
    client.post(reverse("accounts:profile"), profile_data(is_org_admin="on", org_unit=tree["country"].pk))
    cast["coachee"].refresh_from_db()
    assert not cast["coachee"].is_org_admin and cast["coachee"].org_unit == tree["K1"]


def test_choosing_english_switches_the_pages(login, cast):
    client = login(cast["coachee"])
    client.post(reverse("accounts:language"), {"language": "en", "next": "/"})
    cast["coachee"].refresh_from_db()
    assert cast["coachee"].language == "en"
    assert "My coaching" in client.get("/").content.decode()
    client.post(reverse("accounts:language"), {"language": "fr", "next": "/"})
    assert "Mon coaching" in client.get("/").content.decode()


def test_language_switch_does_not_redirect_elsewhere(client, db):
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_profile_lists_and_revokes_devices(login, cast):
    issue_api_token(user=cast["coachee"], label="Téléphone Tecno")
    client = login(cast["coachee"])
    assert "Téléphone Tecno" in client.get(reverse("accounts:profile")).content.decode()
    token = ApiToken.objects.get(user=cast["coachee"])
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_persons_device(login, cast):
    issue_api_token(user=cast["coachee"])
    token = ApiToken.objects.get(user=cast["coachee"])
    login(cast["outsider"]).post(reverse("accounts:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_changing_ones_password(login, cast):
    client = login(cast["coachee"])
    response = client.post(reverse("accounts:password"), {
        "old_password": PASSWORD, "new_password1": "Une-Autre-Phrase-9", "new_password2": "Une-Autre-Phrase-9"})
    assert response.status_code == 302
    cast["coachee"].refresh_from_db()
    assert cast["coachee"].check_password("Une-Autre-Phrase-9")


def test_profile_needs_login(client, db):
    assert client.get(reverse("accounts:profile")).status_code == 302
