"""The Sikasso demo: Mali → Sikasso region → its 10 health districts → invented CSComs,
and the demo accounts. Idempotent: a second run finds everything in place."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from pevcoach.accounts.models import ROLE_FIELDS, Invitation, JobTitle, Role, User
from pevcoach.accounts.services import create_user
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.services import create_org_unit, update_org_unit

DATA = Path(__file__).parent / "data"
PASSWORD = "demo1234"
DEMO_INVITATION = "ATELIER-KADIOLO"

# Invented centres: each district gets 3 to 6, placed around its chief town.
CENTRE_SUFFIXES = ["Centre", "Nord", "Sud", "Est", "Ouest", "Plateau"]
CENTRE_OFFSETS = [(0, 0), (0.18, 0.04), (-0.17, -0.05), (0.05, 0.19), (-0.04, -0.2), (0.12, -0.13)]

ACCOUNTS = [
    # username, first name, last name, job, unit code, roles, superuser
    ("admin", "Awa", "Traoré", JobTitle.DATA_MANAGER, "MLI", [Role.ADMIN, Role.MANAGER], True),
    ("drs.sikasso", "Moussa", "Coulibaly", JobTitle.SUPERVISOR, "RS-SIKASSO", [Role.MANAGER, Role.ADMIN], False),
    ("coach.kadiolo", "Fatoumata", "Sanogo", JobTitle.EPI_FOCAL_POINT, "DS-KADIOLO", [Role.COACH], False),
    ("agent.kadiolo", "Seydou", "Ouattara", JobTitle.VACCINATOR, "CS-KADIOLO-1", [Role.COACHEE], False),
    ("coach.bougouni", "Mariam", "Diarra", JobTitle.EPI_FOCAL_POINT, "DS-BOUGOUNI", [Role.COACH], False),
    ("agent.bougouni", "Bakary", "Doumbia", JobTitle.VACCINATOR, "CS-BOUGOUNI-1", [Role.COACHEE], False),
]
PHONES = {"agent.kadiolo": "+22376000101", "agent.bougouni": "+22376000201",
          "coach.kadiolo": "+22366000100", "coach.bougouni": "+22366000200"}


def centres_per_district(index):
    return 3 + index % 4  # 3, 4, 5, 6, 3, …: a spread of district sizes


def _unit(code, *, name, parent, level, latitude=None, longitude=None):
    unit = OrgUnit.objects.filter(code=code).first()
    fields = {"name": name, "latitude": latitude, "longitude": longitude}
    if unit is None:
        return create_org_unit(code=code, parent=parent, level=level, is_demo=True, **fields)
    changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
    if changed or unit.parent_id != getattr(parent, "pk", None) or unit.level != level:
        unit = update_org_unit(unit, parent=parent, level=level, **changed)
    return unit


def load_org_units():
    country = _unit("MLI", name="Mali", parent=None, level=Level.COUNTRY)
    region = _unit("RS-SIKASSO", name="Région sanitaire de Sikasso", parent=country, level=Level.REGION,
                   latitude=Decimal("11.317"), longitude=Decimal("-5.667"))
    with open(DATA / "sikasso_districts.csv", encoding="utf-8") as f:
        districts = list(csv.DictReader(f))
    for index, row in enumerate(districts):
        lat, lon = Decimal(row["latitude"]), Decimal(row["longitude"])
        district = _unit(row["code"], name=f"District sanitaire de {row['name']}", parent=region,
                         level=Level.DISTRICT, latitude=lat, longitude=lon)
        short = row["code"].removeprefix("DS-")
        for n in range(centres_per_district(index)):
            dlat, dlon = CENTRE_OFFSETS[n]
            _unit(f"CS-{short}-{n + 1}", name=f"CSCom {row['name']}-{CENTRE_SUFFIXES[n]} (démo)", parent=district,
                  level=Level.FACILITY, latitude=(lat + Decimal(str(dlat))).quantize(Decimal("0.000001")),
                  longitude=(lon + Decimal(str(dlon))).quantize(Decimal("0.000001")))
    return country


def load_accounts():
    for username, first, last, job, unit_code, roles, superuser in ACCOUNTS:
        unit = OrgUnit.objects.get(code=unit_code)
        user = User.objects.filter(username=username).first()
        if user is None:
            create_user(username=username, password=PASSWORD, first_name=first, last_name=last, job_title=job,
                        org_unit=unit, roles=roles, phone=PHONES.get(username), is_demo=True,
                        is_superuser=superuser, is_staff=superuser)
            continue
        # Put back what a demo user may have changed while trying the app.
        wanted = {"first_name": first, "last_name": last, "job_title": job, "org_unit": unit, "is_demo": True,
                  "is_superuser": superuser, "is_staff": superuser, "is_active": True, "language": "fr",
                  "phone": PHONES.get(username)}
        wanted.update({field: role in roles for role, field in ROLE_FIELDS.items()})
        changed = [k for k, v in wanted.items() if getattr(user, k) != v]
        for k in changed:
            setattr(user, k, wanted[k])
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)


def load_invitation():
    """A workshop code for trying self-registration in Kadiolo."""
    Invitation.objects.update_or_create(
        code=DEMO_INVITATION,
        defaults={"org_unit": OrgUnit.objects.get(code="DS-KADIOLO"), "label": "Atelier de coaching (démo)",
                  "grants_coachee": True, "grants_coach": False, "expires_on": datetime.date(2099, 12, 31),
                  "max_uses": 500, "created_by": User.objects.get(username="drs.sikasso")},
    )
