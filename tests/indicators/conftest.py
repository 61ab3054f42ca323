"""Helpers of the indicator tests: values go in through the real import service."""

import pytest

from pevcoach.indicators import services


def csv_text(rows, header=True):
    """DHIS2 CSV from (data element, period, org unit, value) tuples."""
    lines = ["dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup"] \
        if header else []
    lines += [f"{de},{period},{unit},,,{value},tester,,," for de, period, unit, value in rows]
    return "\n".join(lines) + "\n"


def load(rows):
    return services.import_data_values(data=csv_text(rows), name="test.csv")


# The worked example, checked by hand in test_worked_example.py.
#   K1, K2 in district DK; B1 in district DB; DK and DB in region RA.
POPULATIONS = [
    ("POP_SURVIVING_INFANTS", "2025", "K1", 264), ("POP_SURVIVING_INFANTS", "2025", "K2", 120),
    ("POP_SURVIVING_INFANTS", "2025", "B1", 360),
    ("POP_SURVIVING_INFANTS", "2025", "DB", 300),  # the district's own figure wins over B1's (rule C7)
    ("POP_LIVE_BIRTHS", "2025", "K1", 276),
]
MONTHLY = {
    # element: {unit: (January, February, March) 2025}
    "PENTA1": {"K1": (20, 18, 22), "K2": (10, 12, 8), "B1": (30, 25, 35)},
    "PENTA3": {"K1": (15, 17, 16), "K2": (9, 12, 10), "B1": (20, 22, 24)},
    "RR1": {"K1": (14, 15, 13), "K2": (8, 9, 7), "B1": (27, 26, 28)},
    "BCG": {"K1": (21, 25, 23)},
    "SESSIONS_FIXED_PLANNED": {"K1": (4, 4, 4)},
    "SESSIONS_FIXED_HELD": {"K1": (4, 3, 4)},
    "SESSIONS_OUTREACH_PLANNED": {"K1": (4, 4, 4)},
    "SESSIONS_OUTREACH_HELD": {"K1": (2, 4, 3)},
    "STOCKOUT_DAYS": {"K1": (3, 0, 0), "K2": (0, 5, 0)},
}


def worked_example_rows():
    rows = list(POPULATIONS)
    for element, units in MONTHLY.items():
        for unit, values in units.items():
            rows += [(element, f"2025{m:02d}", unit, v) for m, v in zip((1, 2, 3), values, strict=True)]
    return rows


@pytest.fixture
def worked_example(tree):
    load(worked_example_rows())
    return tree


@pytest.fixture
def api(client):
    """Call /api/v1 as a cast member, with a bearer token."""
    from tests.factories import PASSWORD

    def call(path, user=None, **params):
        headers = {}
        if user is not None:
            token = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                                content_type="application/json").json()["token"]
            headers["Authorization"] = f"Bearer {token}"
        return client.get(f"/api/v1{path}", params, headers=headers)

    return call
