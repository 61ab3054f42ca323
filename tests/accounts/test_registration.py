import datetime
import html

import pytest
from django.urls import reverse

from pevcoach.accounts.models import Invitation, User


@pytest.fixture
def invitation(cast, tree):
    return Invitation.objects.create(code="ATELIER-K", org_unit=tree["district"], expires_on=datetime.date(2099, 1, 1),
                                     created_by=cast["district_admin"], max_uses=2)


def form(**changes):
    data = {"code": "atelier-k", "first_name": "Kadia", "last_name": "Bagayoko", "username": "kadia",
            "phone": "76 55 44 33", "job_title": "vaccinateur", "org_unit_code": "K2", "language": "fr",
            "password1": "Vaccin-Rougeole-24", "password2": "Vaccin-Rougeole-24"}
    return data | changes


def test_registration_waits_for_approval(client, invitation, tree):
    response = client.post(reverse("accounts:register"), form())
    assert response.status_code == 200 and "approuvée" in response.content.decode()
    kadia = User.objects.get(username="kadia")
    assert not kadia.is_active and kadia.is_pending
    assert kadia.org_unit == tree["K2"] and kadia.is_coachee and not kadia.is_coach
    assert kadia.phone == "+22376554433"
    assert not client.login(username="kadia", password="Vaccin-Rougeole-24")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "WRONG"}, "code d'invitation est inconnu"),
        ({"org_unit_code": "B1"}, "couverte par votre invitation"),
        ({"org_unit_code": "NOPE"}, "Aucune unité"),
        ({"phone": "12345"}, "numéro malien"),
        ({"password2": "autre-chose-99"}, "différents"),
        ({"password1": "12345678", "password2": "12345678"}, "trop courant"),
        ({"username": "coach"}, "déjà pris"),
        ({"phone": "+22376112233"}, "déjà utilisé"),
        ({"username": "a b"}, "Lettres"),
    ],
)
def test_bad_registration_says_why_in_french_and_saves_nothing(client, cast, invitation, changes, message):
    before = User.objects.count()
    response = client.post(reverse("accounts:register"), form(**changes))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert User.objects.count() == before


def test_an_expired_or_used_up_code_is_refused(client, cast, invitation):
    invitation.expires_on = datetime.date(2000, 1, 1)
    invitation.save()
    response = client.post(reverse("accounts:register"), form())
    assert "code d'invitation est inconnu" in html.unescape(response.content.decode())
    invitation.expires_on = datetime.date(2099, 1, 1)
    invitation.max_uses = 0
    invitation.save()
    client.post(reverse("accounts:register"), form())
    assert not User.objects.filter(username="kadia").exists()


def test_district_admin_approves_and_the_worker_can_sign_in(client, login, cast, invitation):
    client.post(reverse("accounts:register"), form())
    kadia = User.objects.get(username="kadia")
    admin_client = login(cast["district_admin"])
    assert "Kadia" in admin_client.get(reverse("accounts:people")).content.decode()
    admin_client.post(reverse("accounts:decide_registration", args=[kadia.pk]), {"decision": "approve"})
    kadia.refresh_from_db()
    assert kadia.is_active and kadia.approved_by == cast["district_admin"]
    admin_client.logout()
    assert client.login(username="kadia", password="Vaccin-Rougeole-24")


def test_admin_can_refuse_a_registration(client, login, cast, invitation):
    client.post(reverse("accounts:register"), form())
    kadia = User.objects.get(username="kadia")
    login(cast["district_admin"]).post(reverse("accounts:decide_registration", args=[kadia.pk]), {"decision": "reject"})
    assert not User.objects.filter(username="kadia").exists()


def test_an_admin_of_another_district_cannot_approve(client, login, cast, invitation):
    client.post(reverse("accounts:register"), form())
    kadia = User.objects.get(username="kadia")
    response = login(cast["far_admin"]).post(reverse("accounts:decide_registration", args=[kadia.pk]),
                                              {"decision": "approve"})
    assert response.status_code == 404
    kadia.refresh_from_db()
    assert not kadia.is_active


def test_a_coach_cannot_approve(client, login, cast, invitation):
    client.post(reverse("accounts:register"), form())
    kadia = User.objects.get(username="kadia")
    response = login(cast["coach"]).post(reverse("accounts:decide_registration", args=[kadia.pk]),
                                          {"decision": "approve"})
    assert response.status_code == 403
