import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pevcoach.accounts.models import User
from pevcoach.orgunits.models import Level, OrgUnit
from tests.factories import UserFactory

DEMO_ACCOUNTS = ["admin", "drs.sikasso", "coach.kadiolo", "agent.kadiolo", "coach.bougouni", "agent.bougouni"]
REFERENCE = Path(__file__).resolve().parents[2] / "pevcoach" / "demo" / "data" / "sikasso_districts.csv"


def snapshot():
    out = io.StringIO()
    call_command("dumpdata", "orgunits", "accounts", "--exclude", "accounts.apitoken", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_demo_holds_the_ten_sikasso_districts_with_their_codes(demo):
    with open(REFERENCE, encoding="utf-8") as f:
        codes = {row["code"] for row in csv.DictReader(f)}
    assert len(codes) == 10
    districts = OrgUnit.objects.filter(level=Level.DISTRICT)
    assert set(districts.values_list("code", flat=True)) == codes
    region = OrgUnit.objects.get(code="RS-SIKASSO")
    for district in districts:
        assert district.parent == region
        centres = district.children.all()
        assert 3 <= len(centres) <= 6
        for centre in centres:
            assert centre.is_demo and "(démo)" in centre.name
            assert 10.0 < centre.latitude < 13.0 and -8.8 < centre.longitude < -4.2  # inside Sikasso


def test_demo_accounts_sign_in_with_demo1234(demo, client):
    for username in DEMO_ACCOUNTS:
        assert client.login(username=username, password="demo1234"), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    agent = User.objects.get(username="agent.kadiolo")
    assert agent.is_coachee and agent.org_unit.parent.code == "DS-KADIOLO"
    assert User.objects.get(username="coach.kadiolo").is_coach
    assert User.objects.get(username="drs.sikasso").is_manager


def test_loading_twice_leaves_the_same_database(demo):
    first = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == first


def test_loading_again_puts_back_what_a_demo_user_changed(demo):
    agent = User.objects.get(username="agent.kadiolo")
    agent.set_password("changed-it-1")
    agent.first_name = "X"
    agent.save()
    call_command("load_demo", stdout=io.StringIO())
    agent.refresh_from_db()
    assert agent.check_password("demo1234") and agent.first_name == "Seydou"


def test_refuses_a_database_with_real_accounts_unless_forced(db):
    UserFactory(username="real.person")
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert OrgUnit.objects.filter(level=Level.DISTRICT).count() == 10
