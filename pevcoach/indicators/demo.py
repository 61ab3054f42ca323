"""Demo immunization figures: 24 months for every demo CSCom, invented but plausible.

Each centre gets a profile (target population, access, dropout) that spreads the four RED
categories over the region, and each centre-month a few accidents: a month not reported, more
third doses than first ones, a data-entry slip tenfold too high, a stock-out. So every
indicator and every data-quality flag has something to show.

Values depend only on the centre's code and the month, never on the day the demo is loaded:
loading twice, or on another day of the same month, gives the same figures. They go in through
the same import service as a DHIS2 file, so totals, logs and hooks behave as in real use.
"""

import math
import random

from django.utils import timezone

from pevcoach.indicators.compute import add_months, month_range
from pevcoach.indicators.models import ImportSource
from pevcoach.indicators.readers import RawValue
from pevcoach.indicators.services import import_values
from pevcoach.orgunits.models import Level, OrgUnit

MONTHS = 24
# (Penta1 coverage, Penta1→Penta3 dropout) ranges for RED categories 1 to 4.
PROFILES = {1: ((0.88, 0.99), (0.02, 0.08)), 2: ((0.84, 0.97), (0.13, 0.24)),
            3: ((0.55, 0.74), (0.02, 0.08)), 4: ((0.50, 0.72), (0.14, 0.26))}
# The demo coachees' centres tell a coaching story: Kadiolo reaches children but loses them,
# Bougouni keeps those it reaches but reaches too few.
STORIES = {"CS-KADIOLO-1": 2, "CS-BOUGOUNI-1": 3}
MALARIA_VACCINE_FROM = 202505  # R21 reached districts of the Sikasso region in April 2025
HPV_FROM = 202411


def last_complete_month(today=None):
    today = today or timezone.localdate()
    return add_months(today.year * 100 + today.month, -1)


def _profile(code, index):
    rng = random.Random(f"profile:{code}")
    category = STORIES.get(code, index % 4 + 1)
    (cov_low, cov_high), (drop_low, drop_high) = PROFILES[category]
    return {
        "infants": rng.randint(150, 600),
        "girls": rng.uniform(0.85, 1.0),
        # Some centres' targets are too low (an old census): their coverage runs above 100 %.
        "coverage": rng.uniform(cov_low, cov_high) * (1.18 if rng.random() < 0.12 and code not in STORIES else 1),
        "slips": code not in STORIES,
        "dropout": rng.uniform(drop_low, drop_high),
        "malaria": rng.random() < 0.5,
        "outreach": rng.choice([2, 4, 4, 6]),
    }


def _population(profile, year):
    return round(profile["infants"] * 1.03 ** (year - 2024))


def _month_values(code, profile, month):
    """The centre's figures for one month, from (code, month) alone; None for a month not reported."""
    rng = random.Random(f"{code}:{month}")
    if rng.random() < 0.04:
        return None
    target = _population(profile, month // 100) / 12
    season = 1 + 0.12 * math.sin(2 * math.pi * (month % 100 - 3) / 12)  # fewer sessions in the rains
    d = profile["dropout"]

    def n(x, spread=0.08):
        return max(0, round(x * rng.uniform(1 - spread, 1 + spread)))

    penta1 = n(target * profile["coverage"] * season, 0.12)
    penta2, penta3 = n(penta1 * (1 - d / 2), 0.03), n(penta1 * (1 - d), 0.03)
    if rng.random() < 0.04:  # catch-up of third doses, or a tally error: negative dropout
        penta3 = penta1 + rng.randint(1, 4)
    rr1 = n(penta1 * (1 - d - 0.05), 0.04)
    values = {
        "BCG": n(target * 1.04 * min(profile["coverage"] + 0.05, 1.2)), "VPO0": 0,
        "PENTA1": penta1, "PENTA2": penta2, "PENTA3": penta3,
        "VPO1": n(penta1, 0.02), "VPO2": n(penta2, 0.02), "VPO3": n(penta3, 0.02), "VPI1": n(penta3 * 0.95, 0.03),
        "PCV1": n(penta1, 0.02), "PCV2": n(penta2, 0.02), "PCV3": n(penta3, 0.03),
        "ROTA1": n(penta1 * 0.97, 0.02), "ROTA2": n(penta2 * 0.95, 0.02), "ROTA3": n(penta3 * 0.93, 0.03),
        "RR1": rr1, "RR2": n(rr1 * 0.75, 0.08), "VAA": n(rr1 * 0.98, 0.02), "MENA": n(rr1 * 0.97, 0.02),
    }
    values["VPO0"] = n(values["BCG"] * 0.9, 0.05)
    if month >= HPV_FROM:
        values["HPV"] = n(target * profile["girls"] * 0.6, 0.3)
    if profile["malaria"] and month >= MALARIA_VACCINE_FROM:
        values.update(PALU1=n(target * 0.7), PALU2=n(target * 0.6), PALU3=n(target * 0.5))
        if 6 <= month % 100 <= 10:
            values["PALU4"] = n(target * 0.4)
    if rng.random() < 0.008 and profile["slips"]:  # a slip of the pen: three times too many
        values["PENTA1"] *= 3
    outreach = profile["outreach"]
    values.update(
        SESSIONS_FIXED_PLANNED=4, SESSIONS_FIXED_HELD=4 - (rng.random() < 0.15),
        SESSIONS_OUTREACH_PLANNED=outreach,
        SESSIONS_OUTREACH_HELD=max(0, outreach - rng.choice([0, 0, 0, 1, 1, 2] if d < 0.1 else [0, 1, 2, 2, 3])),
        STOCKOUT_DAYS=rng.randint(2, 12) if rng.random() < 0.1 else 0,
    )
    return values


def demo_records(today=None):
    """RawValue records of the whole demo, in a stable order."""
    centres = OrgUnit.objects.filter(is_demo=True, level=Level.FACILITY, code__startswith="CS-").order_by("code")
    months = month_range(last_complete_month(today), MONTHS)
    records = []

    def add(code, period, unit, value):
        records.append(RawValue(len(records) + 1, False, code, "", "", str(period), unit, str(value), False, ""))

    for index, centre in enumerate(centres):
        profile = _profile(centre.code, index)
        for year in sorted({m // 100 for m in months}):
            infants = _population(profile, year)
            add("POP_SURVIVING_INFANTS", year, centre.code, infants)
            add("POP_LIVE_BIRTHS", year, centre.code, round(infants * 1.04))
            add("POP_GIRLS_10", year, centre.code, round(infants * profile["girls"]))
        for month in months:
            for code, value in (_month_values(centre.code, profile, month) or {}).items():
                add(code, month, centre.code, value)
    return records


def load_demo_data(today=None):
    """Load (or put back) the demo figures. Idempotent: a second run changes nothing."""
    return import_values(demo_records(today), source=ImportSource.DEMO, name="load_demo")
