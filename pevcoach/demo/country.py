"""A synthetic Mali for benchmarks and capacity planning (issue 9): `manage.py generate_country`.

At scale 1: 15 regions, 75 health districts, 1,500 health centres with coordinates, 10 years of
monthly figures for every data element (about 4.5 million values, with seasonality, trends,
months not reported, late openings and data-entry slips), 10,000 people, 3,000 coaching
relationships and 200,000 sessions with their goals, actions, feedback and evidence.

Everything is marked so that it never passes for real: org unit codes start with `SYN-`, names
say "synthétique", usernames start with `synth.`, units and people have `is_demo` set.

The same seed, scale and day (`today`) give the same data: one random stream, consumed in a
fixed order; dates are counted from `today`, never from the clock.

Rows are written in bulk: COPY for the values (batched INSERTs on SQLite), bulk_create for the
coaching records. Coaching rows do not go through coaching/services.py: 200,000 sessions with
their goals and actions, one service call (and transaction, full_clean, audit entry) each,
would take hours. The services' rules hold by construction instead: every relationship joins
a coach of the coachee's district to a coachee of one of its centres, owners and authors are the
relationship's coach or coachee, sessions, goals and actions only exist in accepted
relationships and at dates inside them, a goal's centre is its relationship's, and a completed
session has notes for every GROW stage and both confirmations.
"""

import datetime
import io
import math
import random
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from pevcoach.accounts.models import JobTitle, User
from pevcoach.coaching.models import (
    Action,
    Checklist,
    ChecklistAnswer,
    Evidence,
    Feedback,
    Goal,
    Relationship,
    RelationshipEvent,
    Session,
)
from pevcoach.indicators import totals
from pevcoach.indicators.compute import add_months, month_range
from pevcoach.indicators.models import (
    DataElement,
    ImportLog,
    ImportSource,
    ImportStatus,
    MonthlyReporting,
    MonthlyTotal,
    MonthlyValue,
    YearlyTotal,
    YearlyValue,
)
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.sync.models import Conflict

CODE_PREFIX = "SYN-"
USER_PREFIX = "synth."
PASSWORD = "synth1234"  # every synthetic account; they exist for benchmarks only
BATCH = 5000

# Region: (name, latitude, longitude, weight: share of the districts, insecurity: coverage falls after 2018)
REGIONS = [
    ("Kayes", 14.45, -11.44, 9, 0), ("Koulikoro", 12.86, -7.56, 10, 0), ("Sikasso", 11.32, -5.67, 10, 0),
    ("Ségou", 13.43, -6.26, 8, 1), ("Mopti", 14.49, -4.18, 8, 2), ("Tombouctou", 16.77, -3.00, 5, 2),
    ("Gao", 16.27, -0.04, 4, 2), ("Kidal", 18.44, 1.41, 2, 3), ("Bamako", 12.64, -8.00, 6, 0),
    ("Ménaka", 15.92, 2.40, 2, 3), ("Taoudénit", 22.68, -3.98, 1, 3), ("Nioro", 15.23, -9.59, 3, 1),
    ("Kita", 13.03, -9.49, 3, 0), ("Bougouni", 11.42, -7.48, 4, 0), ("San", 13.30, -4.90, 3, 1),
]
DOSES = ["BCG", "VPO0", "PENTA1", "PENTA2", "PENTA3", "VPO1", "VPO2", "VPO3", "VPI1", "VPI2", "PCV1", "PCV2",
         "PCV3", "ROTA1", "ROTA2", "ROTA3", "RR1", "RR2", "VAA", "MENA", "HPV", "PALU1", "PALU2", "PALU3", "PALU4"]
OTHERS = ["SESSIONS_FIXED_PLANNED", "SESSIONS_FIXED_HELD", "SESSIONS_OUTREACH_PLANNED", "SESSIONS_OUTREACH_HELD",
          "STOCKOUT_DAYS"]
POPULATIONS = ["POP_LIVE_BIRTHS", "POP_SURVIVING_INFANTS", "POP_GIRLS_10"]
HPV_FROM, MALARIA_FROM = 202411, 202505

GOAL_NOTES = [
    "Ramener l'abandon Penta1–Penta3 sous 10 % avant la fin du trimestre.",
    "Atteindre 90 % de couverture Penta3 dans l'aire de santé cette année.",
    "Tenir toutes les séances de stratégie avancée prévues ce mois-ci.",
    "Retrouver les enfants zéro dose des villages éloignés.",
    "Améliorer la complétude et la promptitude des rapports mensuels.",
    "Réduire les ruptures de stock de vaccins à zéro jour.",
]
REALITY_NOTES = [
    "L'abandon reste autour de 15 % ; deux villages en stratégie avancée n'ont pas été visités le mois dernier.",
    "Pas de liste des perdus de vue ; les relais ne sont pas informés des rendez-vous manqués.",
    "Le réfrigérateur a été en panne pendant une semaine ; la chaîne de froid a été rétablie.",
    "Les données du registre et du rapport DHIS2 ne concordent pas pour RR1.",
    "La couverture Penta1 est bonne mais les mères ne reviennent pas pour Penta3 pendant les récoltes.",
    "La moto de la stratégie avancée est immobilisée faute de carburant.",
]
OPTIONS_NOTES = [
    "Liste mensuelle des perdus de vue pour les relais ; messages au marché le jour de foire.",
    "Reprogrammer la stratégie avancée avec le chef de village ; demander du carburant au district.",
    "Comparer chaque mois le registre et le rapport avant la saisie ; former le nouvel agent.",
    "Vacciner à chaque contact (consultation, pesée) ; rappeler les mères par téléphone.",
]
WILL_NOTES = [
    "Le vaccinateur fait la liste chaque fin de mois ; le coach obtient deux porte-vaccins au district.",
    "Le DTC rencontre les relais lundi ; le coach vérifie la liste à la prochaine visite.",
    "L'agent saisit le rapport avant le 5 ; le coach relit les chiffres par téléphone.",
    "Séance de rattrapage samedi au village ; le coach informe le MCD.",
]
SUMMARIES = [
    "Objectif fixé, liste des perdus de vue à faire, stratégie avancée reprogrammée.",
    "Bonne progression ; deux actions terminées, une reportée.",
    "Séance courte : point sur les données du mois et les actions en retard.",
    "Visite avec la liste de contrôle intégrée ; trois écarts, trois actions.",
]
ACTIONS = [
    "Faire la liste des enfants perdus de vue et la remettre aux relais.",
    "Reprogrammer la séance de stratégie avancée de {village}.",
    "Vérifier la concordance registre–rapport pour le mois écoulé.",
    "Demander deux porte-vaccins au district.",
    "Informer les mères au marché le jour de foire.",
    "Relever la température du réfrigérateur deux fois par jour.",
    "Former le nouvel agent à la saisie du rapport mensuel.",
    "Organiser une séance de rattrapage à {village}.",
]
VILLAGES = ["Niéna", "Kolondiéba", "Dioumaténé", "Fana", "Siby", "Ouéléssébougou", "Koumantou", "Zégoua"]
FIRST_NAMES = ["Awa", "Moussa", "Fatoumata", "Seydou", "Mariam", "Bakary", "Aminata", "Oumar", "Kadiatou",
               "Ibrahim", "Rokia", "Boubacar", "Assitan", "Mamadou", "Djeneba", "Souleymane", "Hawa", "Adama"]
LAST_NAMES = ["Traoré", "Coulibaly", "Diarra", "Keïta", "Sanogo", "Ouattara", "Doumbia", "Konaté", "Diallo",
              "Sidibé", "Touré", "Maïga", "Cissé", "Dembélé", "Koné", "Sangaré", "Togola", "Bagayoko"]
GOAL_INDICATORS = [("COV_PENTA3", 8), ("DOR_P1P3", -5), ("COV_RR1", 8), ("COV_PENTA1", 5)]


@dataclass(frozen=True)
class Shape:
    """How much of everything: 1.0 is Mali's size."""

    regions: int
    districts: int
    facilities: int
    users: int
    relationships: int
    sessions: int
    months: int

    @classmethod
    def at(cls, scale, months=120):
        regions = min(len(REGIONS), max(2, round(len(REGIONS) * min(scale, 1))))
        districts = max(regions, round(75 * scale))
        facilities = max(2 * districts, round(1500 * scale))
        relationships = max(districts, round(3000 * scale))
        users = max(facilities + 3 * districts + regions + relationships // 2, round(10000 * scale))
        return cls(regions=regions, districts=districts, facilities=facilities, users=users,
                   relationships=relationships, sessions=max(4 * relationships, round(200000 * scale)),
                   months=months)


def real_accounts():
    """People who are neither demo nor synthetic: their database is not ours to fill."""
    return User.objects.filter(is_demo=False).exclude(username__startswith=USER_PREFIX).count()


def exists():
    return OrgUnit.objects.filter(code=f"{CODE_PREFIX}MLI").exists()


class Generator:
    def __init__(self, *, seed, scale=1.0, months=120, today=None, out=None):
        self.rng = random.Random(seed)
        self.seed, self.scale = seed, scale
        self.shape = Shape.at(scale, months)
        self.today = today or timezone.localdate()
        self.last_month = add_months(self.today.year * 100 + self.today.month, -1)
        self.months = month_range(self.last_month, months)
        self.now = self._moment(self.today, 8)
        self.out = out or (lambda line: None)
        self.counts = {}
        self.timings = {}

    # --- helpers ---------------------------------------------------------------------------------

    def _uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    @staticmethod
    def _moment(day, hour, minute=0):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def _step(self, name, function):
        start = time.perf_counter()
        result = function()
        self.timings[name] = round(time.perf_counter() - start, 1)
        self.out(f"{name}: {self.timings[name]} s")
        return result

    # --- the whole country ---------------------------------------------------------------------------

    def run(self):
        start = time.perf_counter()
        with transaction.atomic():
            self._step("removed earlier synthetic data", remove)
            self._step("org units", self.org_units)
            self._step("values", self.values)
            self._step("totals", self.totals)
            self._step("people", self.people)
            self._step("coaching", self.coaching)
            ImportLog.objects.create(source=ImportSource.DEMO, name=f"generate_country --seed {self.seed} "
                                     f"--scale {self.scale}", status=ImportStatus.SUCCESS, finished_at=timezone.now(),
                                     rows=self.counts["values"], created=self.counts["values"])
        if connection.vendor == "postgresql":
            self._step("vacuum analyze", analyze)
        self.timings["total"] = round(time.perf_counter() - start, 1)
        return self.counts, self.timings

    # --- org units ----------------------------------------------------------------------------------

    def org_units(self):
        shape, rng = self.shape, self.rng
        country = OrgUnit(name="Mali (synthétique)", code=f"{CODE_PREFIX}MLI", level=Level.COUNTRY, is_demo=True,
                          latitude=_deg(17.57), longitude=_deg(-4.0), path="")
        country.save()
        country.path = f"/{country.pk}/"
        country.save(update_fields=["path"])
        regions = REGIONS[:shape.regions]
        per_region = _spread(shape.districts, [weight for *_rest, weight, _insecure in regions], minimum=1)
        region_units = [
            OrgUnit(name=f"Région de {name} (synthétique)", code=f"{CODE_PREFIX}R-{n + 1:02d}", level=Level.REGION,
                    parent=country, is_demo=True, latitude=_deg(lat), longitude=_deg(lon), path="")
            for n, (name, lat, lon, _weight, _insecure) in enumerate(regions)]
        self._save_levels(region_units)
        districts, insecurity = [], {}
        for region, (name, lat, lon, _weight, insecure), n in zip(region_units, regions, per_region, strict=True):
            for d in range(n):
                districts.append(OrgUnit(
                    name=f"District sanitaire S-{name} {d + 1} (synthétique)",
                    code=f"{CODE_PREFIX}DS-{len(districts) + 1:03d}", level=Level.DISTRICT, parent=region,
                    is_demo=True, latitude=_deg(lat + rng.uniform(-1.2, 1.2)),
                    longitude=_deg(lon + rng.uniform(-1.2, 1.2)), path=""))
                insecurity[districts[-1].code] = insecure
        self._save_levels(districts)
        per_district = _spread(shape.facilities, [rng.uniform(0.5, 1.6) for _ in districts], minimum=2)
        facilities = []
        for district, n in zip(districts, per_district, strict=True):
            short = district.name.removeprefix("District sanitaire ").removesuffix(" (synthétique)")
            for f in range(n):
                facilities.append(OrgUnit(
                    name=f"CSCom {short}-{f + 1:02d} (synthétique)", code=f"{CODE_PREFIX}CS-{len(facilities) + 1:04d}",
                    level=Level.FACILITY, parent=district, is_demo=True,
                    latitude=_deg(float(district.latitude) + rng.uniform(-0.45, 0.45)),
                    longitude=_deg(float(district.longitude) + rng.uniform(-0.45, 0.45)), path=""))
        self._save_levels(facilities)
        self.country, self.region_units, self.districts, self.facilities = country, region_units, districts, facilities
        self.insecurity = {f.pk: insecurity[f.parent.code] for f in facilities}
        self.counts["org_units"] = 1 + len(region_units) + len(districts) + len(facilities)

    def _save_levels(self, units):
        """Insert a level in bulk, then set the paths from the ids the database gave."""
        OrgUnit.objects.bulk_create(units, batch_size=BATCH)
        if any(u.pk is None for u in units):  # databases that do not return ids from bulk inserts
            ids = dict(OrgUnit.objects.filter(code__in=[u.code for u in units]).values_list("code", "id"))
            for unit in units:
                unit.pk = unit.id = ids[unit.code]
        for unit in units:
            unit.path = f"{unit.parent.path}{unit.pk}/"
        OrgUnit.objects.bulk_update(units, ["path"], batch_size=BATCH)

    # --- figures --------------------------------------------------------------------------------------

    def _profile(self, facility):
        rng = self.rng
        insecure = self.insecurity[facility.pk]
        return {
            "infants": max(60, round(rng.lognormvariate(math.log(430), 0.45))),
            "coverage": rng.uniform(0.62, 1.02) - 0.05 * insecure,
            "trend": rng.uniform(-0.005, 0.02),  # a year's change of coverage
            "decline": 0.04 * insecure,  # lost each year after 2018 where insecurity grew
            "dropout": rng.uniform(0.02, 0.22),
            "reports_from": self.months[0] if rng.random() > 0.06 else rng.choice(self.months[:-12]),
            "gap": rng.choice(self.months) if rng.random() < 0.08 else None,  # three months not reported
            "missing": rng.uniform(0.0, 0.08),
            "malaria": rng.random() < 0.4,
            "ipv2": rng.random() < 0.3,
            "girls": rng.uniform(0.8, 1.0),
            "outreach": rng.choice([2, 4, 4, 6, 8]),
            "slips": rng.random() < 0.7,
        }

    def _facility_values(self, profile):
        """{element code: {month: value}} of one centre over the months, and its yearly populations."""
        rng, months = self.rng, self.months
        out = {code: {} for code in DOSES + OTHERS}
        first_year = months[0] // 100
        years = sorted({m // 100 for m in months})
        populations = {}
        for year in years:
            infants = round(profile["infants"] * 1.03 ** (year - first_year))
            populations[year] = {"POP_SURVIVING_INFANTS": infants, "POP_LIVE_BIRTHS": round(infants * 1.05),
                                 "POP_GIRLS_10": round(infants * profile["girls"])}
        gap = profile["gap"]
        gap_months = set(month_range(add_months(gap, 2), 3)) if gap else set()
        for month in months:
            if month < profile["reports_from"] or month in gap_months or rng.random() < profile["missing"]:
                continue
            year, m = divmod(month, 100)
            target = populations[year]["POP_SURVIVING_INFANTS"] / 12
            level = profile["coverage"] + profile["trend"] * (year - first_year) - \
                profile["decline"] * max(0, year - 2018)
            season = 1 + 0.12 * math.sin(2 * math.pi * (m - 3) / 12)  # fewer children come in the rains
            d = profile["dropout"]

            def n(x, spread=0.06):
                return max(0, round(x * rng.uniform(1 - spread, 1 + spread)))

            penta1 = n(target * max(0.2, level) * season, 0.12)
            penta2, penta3 = n(penta1 * (1 - d / 2), 0.03), n(penta1 * (1 - d), 0.03)
            if rng.random() < 0.03:  # catch-up of third doses or a tally error: negative dropout
                penta3 = penta1 + rng.randint(1, 5)
            rr1 = n(penta1 * (1 - d - 0.05), 0.04)
            values = {
                "BCG": n(target * 1.05 * min(level + 0.05, 1.2)), "PENTA1": penta1, "PENTA2": penta2,
                "PENTA3": penta3, "VPO1": n(penta1, 0.02), "VPO2": n(penta2, 0.02), "VPO3": n(penta3, 0.02),
                "VPI1": n(penta3 * 0.95, 0.03), "PCV1": n(penta1, 0.02), "PCV2": n(penta2, 0.02),
                "PCV3": n(penta3, 0.03), "ROTA1": n(penta1 * 0.97, 0.02), "ROTA2": n(penta2 * 0.95, 0.02),
                "ROTA3": n(penta3 * 0.93, 0.03), "RR1": rr1, "RR2": n(rr1 * 0.75, 0.08), "VAA": n(rr1 * 0.98, 0.02),
                "MENA": n(rr1 * 0.97, 0.02),
            }
            values["VPO0"] = n(values["BCG"] * 0.9, 0.05)
            if profile["ipv2"]:
                values["VPI2"] = n(penta3 * 0.85, 0.05)
            if month >= HPV_FROM:
                values["HPV"] = n(target * profile["girls"] * 0.6, 0.3)
            if profile["malaria"] and month >= MALARIA_FROM:
                values.update(PALU1=n(target * 0.7), PALU2=n(target * 0.6), PALU3=n(target * 0.5))
                if 6 <= m <= 10:
                    values["PALU4"] = n(target * 0.4)
            if profile["slips"] and rng.random() < 0.004:  # a slip of the pen: ten times too many
                values["PENTA1"] *= 10
            outreach = profile["outreach"]
            values.update(
                SESSIONS_FIXED_PLANNED=4, SESSIONS_FIXED_HELD=4 - (rng.random() < 0.15),
                SESSIONS_OUTREACH_PLANNED=outreach,
                SESSIONS_OUTREACH_HELD=max(0, outreach - rng.choice([0, 0, 0, 1, 1, 2] if d < 0.1 else [0, 1, 2, 3])),
                STOCKOUT_DAYS=rng.randint(2, 12) if rng.random() < 0.1 else 0,
            )
            for code, value in values.items():
                out[code][month] = value
        return out, populations

    def values(self):
        """Monthly values and yearly populations of every centre, in the order of the unique key."""
        elements = dict(DataElement.objects.values_list("code", "id"))
        codes = sorted(DOSES + OTHERS, key=lambda c: elements[c])
        monthly, yearly = [], []
        total = 0
        with _Writer(MonthlyValue, ["org_unit_id", "data_element_id", "month", "value"]) as writer:
            for facility in self.facilities:
                values, populations = self._facility_values(self._profile(facility))
                pk = facility.pk
                for code in codes:
                    element = elements[code]
                    monthly += [(pk, element, month, value) for month, value in values[code].items()]
                for year, pops in populations.items():
                    yearly += [(pk, elements[code], year, pops[code]) for code in POPULATIONS]
                if len(monthly) > 200_000:
                    total += writer.write(monthly)
                    monthly = []
            total += writer.write(monthly)
        with _Writer(YearlyValue, ["org_unit_id", "data_element_id", "year", "value"]) as writer:
            writer.write(yearly)
        self.counts["values"] = total
        self.counts["yearly_values"] = len(yearly)

    def totals(self):
        """The pre-aggregated tables the dashboards read, as an import leaves them."""
        totals.refresh_monthly(months=self.months, unit_ids=[f.pk for f in self.facilities])
        totals.refresh_yearly(years=sorted({m // 100 for m in self.months}))

    # --- people ---------------------------------------------------------------------------------------

    def people(self):
        rng, shape = self.rng, self.shape
        password = make_password(PASSWORD)
        joined = self._moment(datetime.date(self.months[0] // 100, 1, 1), 8)
        users = []

        def person(unit, username, job, **roles):
            users.append(User(
                username=f"{USER_PREFIX}{username}", first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES), job_title=job, org_unit=unit, is_demo=True, password=password,
                date_joined=joined, language="fr", **roles))
            return users[-1]

        person(self.country, "national", JobTitle.DATA_MANAGER, is_manager=True, is_org_admin=True)
        for n, region in enumerate(self.region_units, start=1):
            person(region, f"region{n:02d}", JobTitle.SUPERVISOR, is_manager=True, is_org_admin=True)
        self.coaches_of = {}
        for n, district in enumerate(self.districts, start=1):
            person(district, f"mcd{n:03d}", JobTitle.MCD, is_manager=True, is_org_admin=True)
            self.coaches_of[district.pk] = [
                person(district, f"coach{n:03d}.{k}", job, is_coach=True)
                for k, job in enumerate([JobTitle.EPI_FOCAL_POINT, JobTitle.SUPERVISOR, JobTitle.SUPERVISOR,
                                         JobTitle.DATA_MANAGER], start=1)]
        staff_jobs = [JobTitle.DTC, JobTitle.VACCINATOR, JobTitle.VACCINATOR, JobTitle.NURSE, JobTitle.MIDWIFE,
                      JobTitle.CHW]
        left = shape.users - len(users)
        per_facility = _spread(left, [rng.uniform(0.6, 1.4) for _ in self.facilities], minimum=1)
        self.staff_of = {}
        for facility, n in zip(self.facilities, per_facility, strict=True):
            self.staff_of[facility.pk] = [
                person(facility, f"{facility.code.removeprefix(CODE_PREFIX).lower()}.{k + 1}",
                       staff_jobs[k % len(staff_jobs)], is_coachee=True) for k in range(n)]
        User.objects.bulk_create(users, batch_size=BATCH)
        if any(u.pk is None for u in users):
            ids = dict(User.objects.filter(username__startswith=USER_PREFIX).values_list("username", "id"))
            for user in users:
                user.pk = user.id = ids[user.username]
        self.counts["users"] = len(users)

    # --- coaching -------------------------------------------------------------------------------------

    def coaching(self):
        """Relationships between a district's coaches and its centres' staff, then their history."""
        rng, shape = self.rng, self.shape
        span_days = (self.today - datetime.date(self.months[0] // 100, self.months[0] % 100, 1)).days
        district_of = {f.pk: f.parent_id for f in self.facilities}
        coachees = [u for f in self.facilities for u in self.staff_of[f.pk]]
        chosen = rng.sample(coachees, min(shape.relationships, len(coachees)))
        plans = []
        for coachee in chosen:
            coaches = self.coaches_of[district_of[coachee.org_unit_id]]
            coach = coaches[0] if rng.random() < 0.4 else rng.choice(coaches)  # the EPI focal point coaches most
            start = self.today - datetime.timedelta(days=rng.randint(40, span_days - 30))
            state = rng.choices(["active", "closed", "paused", "proposed"], weights=[76, 15, 5, 4])[0]
            end = self.today
            if state == "closed":
                end = start + datetime.timedelta(days=rng.randint(120, max(121, (self.today - start).days)))
                end = min(end, self.today - datetime.timedelta(days=1))
            elif state == "paused":
                end = self.today - datetime.timedelta(days=rng.randint(10, 60))
                end = max(end, start + datetime.timedelta(days=30))
            plans.append((coach, coachee, start, end, state))
        durations = [(end - start).days if state != "proposed" else 0 for _c, _e, start, end, state in plans]
        sessions_of = _spread(shape.sessions, durations, minimum=0)
        self.counts.update(relationships=0, events=0, sessions=0, goals=0, actions=0, feedback=0, evidence=0)
        batch = _Batch(self.counts)
        for (coach, coachee, start, end, state), n in zip(plans, sessions_of, strict=True):
            self._relationship(batch, coach, coachee, start, end, state, n)
            if batch.size() > BATCH * 4:
                batch.flush()
        batch.flush()

    def _relationship(self, batch, coach, coachee, start, end, state, n_sessions):
        rng = self.rng
        created = self._moment(start - datetime.timedelta(days=7), 10)
        accepted = self._moment(start, 9)
        status = {"active": Relationship.Status.ACTIVE, "closed": Relationship.Status.CLOSED,
                  "paused": Relationship.Status.PAUSED, "proposed": Relationship.Status.PROPOSED}[state]
        changed = self._moment(end, 17) if state in ("closed", "paused") else accepted
        r = Relationship(
            id=self._uuid(), coach=coach, coachee=coachee, org_unit_id=coachee.org_unit_id, proposed_by=coach,
            status=status, aims=rng.choice(GOAL_NOTES), rhythm="Une visite par mois, un appel entre deux visites",
            ways_of_working="Écoute, confidentialité, chacun réalise les actions convenues.",
            coach_accepted_at=created, coachee_accepted_at=None if state == "proposed" else accepted,
            created_at=created, updated_at=changed, version=1 if state == "proposed" else 2)
        batch.add(r)
        batch.add(RelationshipEvent(relationship=r, at=created, by=coach, status=Relationship.Status.PROPOSED,
                                    note="Proposée"))
        if state == "proposed":
            return
        batch.add(RelationshipEvent(relationship=r, at=accepted, by=coachee, status=Relationship.Status.ACTIVE,
                                    note="Accord accepté"))
        if state in ("closed", "paused"):
            batch.add(RelationshipEvent(relationship=r, at=changed, by=coach, status=status, note=""))
        days = max(1, (end - start).days)
        planned_next = state == "active" and n_sessions > 0
        past = n_sessions - planned_next
        goal = None
        for k in range(past):
            day = start + datetime.timedelta(days=min(days - 1, int((k + 0.5) * days / max(past, 1))
                                                      + rng.randint(-3, 3)))
            day = min(max(day, start + datetime.timedelta(days=1)), self.today - datetime.timedelta(days=1))
            session, held = self._session(batch, r, day, recent=(self.today - day).days < 14)
            if held and k % 4 == 0:
                goal = self._goal(batch, r, session, day)
            if held:
                for _ in range(1 if rng.random() < 0.6 else 2):
                    self._action(batch, r, session, goal, day)
                self._feedback(batch, r, session, day)
        if planned_next:
            day = self.today + datetime.timedelta(days=rng.randint(2, 28))
            moment = self._moment(day, rng.randint(8, 15))
            batch.add(Session(id=self._uuid(), relationship=r, scheduled_for=moment, mode=Session.Mode.IN_PERSON,
                              place="CSCom", status=Session.Status.PLANNED, created_by=coach,
                              created_at=self.now - datetime.timedelta(days=3),
                              updated_at=self.now - datetime.timedelta(days=3)))

    def _session(self, batch, r, day, *, recent):
        rng = self.rng
        moment = self._moment(day, rng.randint(8, 15), rng.choice([0, 15, 30, 45]))
        mode = rng.choices([Session.Mode.IN_PERSON, Session.Mode.PHONE, Session.Mode.VIDEO], weights=[60, 35, 5])[0]
        outcome = rng.random()
        session = Session(id=self._uuid(), relationship=r, scheduled_for=moment, mode=mode,
                          place="CSCom" if mode == Session.Mode.IN_PERSON else "", created_by=r.coach,
                          created_at=moment - datetime.timedelta(days=rng.randint(3, 20)),
                          is_follow_up=mode == Session.Mode.PHONE and rng.random() < 0.3)
        if outcome < 0.05:
            session.status, session.not_held_reason = Session.Status.MISSED, "Le coaché était en formation."
        elif outcome < 0.08:
            session.status, session.not_held_reason = Session.Status.CANCELLED, "Route impraticable (pluies)."
        else:
            session.goal_notes, session.reality_notes = rng.choice(GOAL_NOTES), rng.choice(REALITY_NOTES)
            session.options_notes, session.will_notes = rng.choice(OPTIONS_NOTES), rng.choice(WILL_NOTES)
            session.summary = rng.choice(SUMMARIES)
            session.coach_confirmed_at = moment + datetime.timedelta(hours=2)
            if recent and rng.random() < 0.5:
                session.status = Session.Status.HELD
            else:
                session.status = Session.Status.COMPLETED
                session.coachee_confirmed_at = moment + datetime.timedelta(hours=rng.randint(3, 72))
        session.updated_at = (session.coachee_confirmed_at or session.coach_confirmed_at or moment)
        session.version = 3 if session.status == Session.Status.COMPLETED else 2
        batch.add(session)
        return session, session.status in (Session.Status.HELD, Session.Status.COMPLETED)

    def _goal(self, batch, r, session, day):
        rng = self.rng
        deadline = day + datetime.timedelta(days=rng.randint(60, 180))
        if deadline < self.today:
            status = rng.choices([Goal.Status.ACHIEVED, Goal.Status.NOT_ACHIEVED, Goal.Status.DROPPED],
                                 weights=[45, 35, 20])[0]
        else:
            status = Goal.Status.ACTIVE
        goal = Goal(id=self._uuid(), relationship=r, session=session, org_unit_id=r.org_unit_id,
                    start_date=day, deadline=deadline, review_dates=[(day + datetime.timedelta(days=30)).isoformat()],
                    status=status, created_by=r.coach, created_at=session.scheduled_for,
                    updated_at=self._moment(min(deadline, self.today), 12) if status != Goal.Status.ACTIVE
                    else session.scheduled_for, source="DHIS2")
        if rng.random() < 0.75:
            code, step = rng.choice(GOAL_INDICATORS)
            baseline = round(rng.uniform(8, 20) if code == "DOR_P1P3" else rng.uniform(55, 85), 1)
            goal.kind, goal.indicator = Goal.Kind.INDICATOR, code
            goal.baseline_value, goal.target_value = _dec(baseline), _dec(baseline + step)
            goal.baseline_period = f"{day.year}{day.month:02d}"
            goal.latest_value = _dec(baseline + step * rng.uniform(-0.5, 1.3))
            goal.latest_period = goal.baseline_period
            goal.problem = Goal.Problem.DROPOUT if code == "DOR_P1P3" else Goal.Problem.RED_CATEGORY
            goal.statement = f"{code} de {baseline:g} à {baseline + step:g} d'ici le {deadline:%d/%m/%Y}"
        else:
            goal.kind, goal.practice = Goal.Kind.PRACTICE, "Tenir la liste des perdus de vue chaque mois"
            goal.problem, goal.statement = Goal.Problem.ZERO_DOSE, "Liste des perdus de vue tenue chaque mois"
        batch.add(goal)
        return goal

    def _action(self, batch, r, session, goal, day):
        rng = self.rng
        due = day + datetime.timedelta(days=rng.randint(7, 45))
        owner = r.coachee if rng.random() < 0.7 else r.coach
        action = Action(id=self._uuid(), relationship=r, session=session, goal=goal if rng.random() < 0.5 else None,
                        description=rng.choice(ACTIONS).format(village=rng.choice(VILLAGES)), owner=owner,
                        due_date=due, created_by=r.coach, created_at=session.scheduled_for,
                        updated_at=session.scheduled_for)
        overdue_window = (self.today - due).days
        if due >= self.today:
            action.status = Action.Status.PROPOSED if rng.random() < 0.05 else Action.Status.OPEN
        elif overdue_window < 90 and rng.random() < 0.2:
            action.status = Action.Status.OPEN
        elif rng.random() < 0.06:
            action.status = Action.Status.DROPPED
            action.updated_at = self._moment(due, 12)
        else:
            action.status = Action.Status.DONE
            action.completed_at = self._moment(due + datetime.timedelta(days=rng.randint(-14, 6)), 16)
            action.completed_at = max(action.completed_at, session.scheduled_for + datetime.timedelta(hours=4))
            action.completion_note = "Fait."
            action.updated_at, action.version = action.completed_at, 2
        batch.add(action)
        if action.status == Action.Status.DONE and rng.random() < 0.1:
            other = r.coach if owner.pk == r.coachee.pk else r.coachee
            batch.add(Evidence(id=self._uuid(), action=action, note="Liste remise aux relais, photo au registre.",
                               submitted_by=owner, review=Evidence.Review.ACCEPTED, reviewed_by=other,
                               reviewed_at=action.completed_at + datetime.timedelta(days=1),
                               created_at=action.completed_at,
                               updated_at=action.completed_at + datetime.timedelta(days=1)))

    def _feedback(self, batch, r, session, day):
        rng = self.rng
        if session.status != Session.Status.COMPLETED:
            return
        at = session.scheduled_for + datetime.timedelta(hours=6)
        if rng.random() < 0.25:
            batch.add(Feedback(id=self._uuid(), relationship=r, session=session,
                               direction=Feedback.Direction.TO_COACHEE, author=r.coach,
                               what_works="La liste des perdus de vue est à jour.",
                               to_improve="Les séances avancées manquées ne sont pas reprogrammées.",
                               request="Préparer le registre avant la visite.", created_at=at, updated_at=at))
        if rng.random() < 0.2:
            marks = [min(5, max(1, round(rng.gauss(4, 0.8)))) for _ in range(3)]
            batch.add(Feedback(id=self._uuid(), relationship=r, session=session, direction=Feedback.Direction.TO_COACH,
                               author=r.coachee, session_useful=marks[0], listened_to=marks[1],
                               support_received=marks[2], created_at=at, updated_at=at))


class _Batch:
    """Coaching rows waiting for bulk_create, written table by table in dependency order."""

    ORDER = [Relationship, RelationshipEvent, Session, Goal, Action, Evidence, Feedback]
    NAMES = {Relationship: "relationships", RelationshipEvent: "events", Session: "sessions", Goal: "goals",
             Action: "actions", Evidence: "evidence", Feedback: "feedback"}

    def __init__(self, counts):
        self.rows = {model: [] for model in self.ORDER}
        self.counts = counts

    def add(self, obj):
        self.rows[type(obj)].append(obj)

    def size(self):
        return sum(len(rows) for rows in self.rows.values())

    def flush(self):
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                model.objects.bulk_create(rows, batch_size=1000)
                self.counts[self.NAMES[model]] += len(rows)
            self.rows[model] = []


class _Writer:
    """Rows into a table: COPY on PostgreSQL (one stream for all calls of write), batched INSERTs elsewhere.

        with _Writer(MonthlyValue, ["org_unit_id", ...]) as writer:
            writer.write(rows)
    """

    def __init__(self, model, columns):
        self.table, self.columns = model._meta.db_table, columns

    def __enter__(self):
        self.cursor = connection.cursor()
        self.copy = self._copying = None
        if connection.vendor == "postgresql":
            # The COPY holds the connection until it ends: nothing else may query in between.
            self._copying = self.cursor.cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN")
            self.copy = self._copying.__enter__()
        return self

    def write(self, rows):
        if self.copy is not None:
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(str, row)) + "\n" for row in rows)
            self.copy.write(buffer.getvalue())
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608
            for start in range(0, len(rows), BATCH):
                self.cursor.executemany(sql, rows[start:start + BATCH])
        return len(rows)

    def __exit__(self, *exc_info):
        try:
            if self._copying is not None:
                self._copying.__exit__(*exc_info)
        finally:
            self.cursor.close()


def _spread(total, weights, minimum=0):
    """`total` split into integers in proportion to `weights`, each at least `minimum` (when weight > 0)."""
    weight = sum(weights) or 1
    floor = [max(minimum if w > 0 else 0, int(total * w / weight)) for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: -(total * weights[i] / weight - floor[i]))
    short = total - sum(floor)
    for i in remainders:
        if short <= 0:
            break
        if weights[i] > 0:
            floor[i] += 1
            short -= 1
    return floor


def _deg(value):
    return Decimal(f"{value:.6f}")


def _dec(value):
    return Decimal(f"{value:.2f}")


def remove():
    """Delete every synthetic record (not the demo's nor real ones): coaching rows first, by SQL in bulk."""
    people = User.objects.filter(username__startswith=USER_PREFIX)
    relationships = Relationship.objects.filter(coach__in=people).values("id")
    for queryset in (
        Evidence.objects.filter(action__relationship__in=relationships),
        Conflict.objects.filter(relationship__in=relationships),
        Feedback.objects.filter(relationship__in=relationships),
        Action.objects.filter(relationship__in=relationships),
        Goal.objects.filter(relationship__in=relationships),
        ChecklistAnswer.objects.filter(checklist__relationship__in=relationships),
        Checklist.objects.filter(relationship__in=relationships),
        Session.objects.filter(relationship__in=relationships),
        RelationshipEvent.objects.filter(relationship__in=relationships),
        Relationship.objects.filter(coach__in=people),
    ):
        # Django's delete() would load the 200,000 sessions to follow cascades; the dependants go first instead.
        queryset._raw_delete(queryset.db)
    units = OrgUnit.objects.filter(code__startswith=CODE_PREFIX)
    unit_ids = list(units.values_list("id", flat=True))
    for model in (MonthlyValue, YearlyValue, MonthlyTotal, MonthlyReporting, YearlyTotal):
        for start in range(0, len(unit_ids), 500):
            part = model.objects.filter(org_unit_id__in=unit_ids[start:start + 500])
            part._raw_delete(part.db)
    people.delete()
    for level in (Level.FACILITY, Level.DISTRICT, Level.REGION, Level.COUNTRY):
        units.filter(level=level).delete()
    ImportLog.objects.filter(source=ImportSource.DEMO, name__startswith="generate_country").delete()


def analyze():
    """Fresh planner statistics and visibility maps (index-only scans), so no reader pays for them.

    VACUUM cannot run inside a transaction (a test's, or a caller's): ANALYZE alone then."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (MonthlyValue, YearlyValue, MonthlyTotal, MonthlyReporting, YearlyTotal, User, OrgUnit,
                      Relationship, RelationshipEvent, Session, Goal, Action, Feedback, Evidence):
            cursor.execute(f"{command} {model._meta.db_table}")
