from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pevcoach.accounts.models import User

HEADER = "username,first_name,last_name,phone,email,job_title,org_unit,roles,language,password\n"
GOOD = (HEADER
        + "awa.k1,Awa,Koné,76 10 20 30,,vaccinateur,K1,coachee,fr,\n"
        + "ali.k2,Ali,Sidibé,,ali@example.org,dtc,K2,coach;coachee,en,Pev-Coach-2026\n")


def upload(client, text, encoding="utf-8"):
    return client.post(reverse("accounts:import"),
                       {"file": SimpleUploadedFile("people.csv", text.encode(encoding), "text/csv")})


def test_admin_imports_a_file_and_sees_generated_passwords(login, cast):
    response = upload(login(cast["district_admin"]), GOOD)
    html = response.content.decode()
    assert "2 comptes créés" in html
    awa, ali = User.objects.get(username="awa.k1"), User.objects.get(username="ali.k2")
    assert awa.org_unit.code == "K1" and awa.phone == "+22376102030" and awa.is_coachee and awa.is_active
    assert ali.is_coach and ali.is_coachee and ali.language == "en" and ali.check_password("Pev-Coach-2026")
    assert "awa.k1" in html and "ali.k2" not in html.split("Mots de passe")[1].split("</table>")[0]


def test_semicolons_and_windows_encoding_from_excel_are_read(login, cast):
    text = (HEADER.replace(",", ";")
            + "awa.k1;Awa;Koné;76 10 20 30;;vaccinateur;K1;coachee;fr;\n"
            + "ali.k2;Ali;Sidibé;;;Vaccinateur;K2;coach,coaché;;\n")
    upload(login(cast["district_admin"]), text, encoding="cp1252")
    assert User.objects.get(username="awa.k1").last_name == "Koné"
    ali = User.objects.get(username="ali.k2")
    assert ali.last_name == "Sidibé" and ali.is_coach and ali.is_coachee and ali.job_title == "vaccinateur"


def test_one_bad_row_rejects_the_whole_file_naming_each_row(login, cast):
    text = (GOOD
            + "bad.phone,Bad,Phone,12,,vaccinateur,K1,coachee,fr,\n"
            + "coach,Dup,User,,,vaccinateur,K1,,fr,\n"
            + "far,Far,Away,,,vaccinateur,Z1,,fr,\n"
            + "awa.k1,Twice,Awa,,,vaccinateur,K1,,fr,\n"
            + "wrong.role,W,R,,,vaccinateur,K1,chef,fr,\n"
            + "wrong.job,W,J,,,pilote,K1,,fr,\n"
            + "short.pw,S,P,,,vaccinateur,K1,,fr,123\n"
            + ",No,Name,,,vaccinateur,K1,,fr,\n")
    before = User.objects.count()
    html = upload(login(cast["district_admin"]), text).content.decode()
    assert User.objects.count() == before
    assert "Rien n&#x27;a été importé" in html or "Rien n'a été importé" in html
    for expected in ["Ligne 4", "numéro malien", "Ligne 5", "déjà pris", "Ligne 6", "hors de votre zone",
                     "Ligne 7", "deux fois", "Ligne 8", "rôle inconnu", "Ligne 9", "fonction inconnue",
                     "Ligne 10", "trop court", "Ligne 11", "est vide"]:
        assert expected in html, expected


def test_a_file_without_the_required_columns_is_refused(login, cast):
    html = upload(login(cast["district_admin"]), "name,phone\nA,76102030\n").content.decode()
    assert "colonne" in html
    assert not User.objects.filter(first_name="A").exists()


def test_only_admins_may_import(login, cast):
    assert upload(login(cast["district_manager"]), GOOD).status_code == 403
    assert not User.objects.filter(username="awa.k1").exists()
