"""The indicators PEV Coach computes: code, kind, label, direction of "better" and threshold.

Formulas, directions and thresholds come from `data/indicators.csv` (see data/README.md);
labels are here so that they are translated with the rest of the code. Thresholds and the
RED and outlier cut-offs can be changed in the settings:

    PEVCOACH_INDICATORS = {
        "RED_ACCESS_MIN": 80,        # COV_PENTA1 at or above: good access
        "RED_DROPOUT_MAX": 10,       # DOR_P1P3 at or below: good use
        "OUTLIER_SD": 3,             # a month beyond this many standard deviations …
        "OUTLIER_MIN_MONTHS": 6,     # … of at least this many of the unit's previous 12 months
        "THRESHOLDS": {"COV_RR1": 95},
    }

Usage from other apps:

    from pevcoach.indicators import catalogue
    for indicator in catalogue.INDICATORS: indicator.code, indicator.label, indicator.direction
    catalogue.get("COV_PENTA1").threshold          # None for an unknown code
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pevcoach.indicators.compute import Cutoffs, Spec

DATA = Path(__file__).parent / "data"

LABELS = {
    "COV_BCG": _("BCG coverage"),
    "COV_PENTA1": _("Penta1 coverage"),
    "COV_PENTA3": _("Penta3 coverage"),
    "COV_VPO3": _("OPV3 coverage"),
    "COV_VPI1": _("IPV1 coverage"),
    "COV_PCV3": _("PCV3 coverage"),
    "COV_ROTA3": _("Rota3 coverage"),
    "COV_RR1": _("MR1 coverage"),
    "COV_RR2": _("MR2 coverage"),
    "COV_VAA": _("Yellow fever coverage"),
    "COV_MENA": _("MenA coverage"),
    "COV_HPV": _("HPV coverage (girls aged 10)"),
    "DOR_P1P3": _("Penta1-Penta3 dropout"),
    "DOR_P1RR1": _("Penta1-MR1 dropout"),
    "DOR_RR1RR2": _("MR1-MR2 dropout"),
    "ZD_EST": _("Zero-dose children (estimate)"),
    "UNIMM_P3": _("Children without Penta3"),
    "RED_CAT": _("RED category"),
    "SESS_HELD": _("Sessions held / planned"),
    "STOCKOUT": _("Stock-out days"),
    "DQ_COMPLETE": _("EPI data completeness"),
    "DQ_NEG_DOR": _("Negative dropout"),
    "DQ_COV_GT100": _("Coverage above 100%"),
    "DQ_OUTLIER": _("Outlying monthly values"),
}

# Computed on request only (indicator=DQ_OUTLIER): contract C6 answers with the indicators of
# indicators.csv by default, and this flag costs a year of history per call.
EXTRA_ROWS = [
    {"code": "DQ_OUTLIER", "kind": "flag", "numerator": "outlying values", "denominator": "",
     "direction": "flag", "threshold": ""},
]


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str  # coverage, dropout, count, category, percent, flag
    label: str
    direction: str  # up: higher is better; down: lower is better; flag: 1 needs a look
    threshold: float | None
    spec: Spec
    default: bool  # part of the default answer of the API (contract C6)

    def meets_threshold(self, value):
        """True/False against the threshold in the indicator's direction; None when either is missing."""
        if value is None or self.threshold is None or self.direction not in ("up", "down"):
            return None
        return value >= self.threshold if self.direction == "up" else value <= self.threshold


def _options():
    return getattr(settings, "PEVCOACH_INDICATORS", {})


def cutoffs() -> Cutoffs:
    options = _options()
    return Cutoffs(
        red_access_min=float(options.get("RED_ACCESS_MIN", Cutoffs.red_access_min)),
        red_dropout_max=float(options.get("RED_DROPOUT_MAX", Cutoffs.red_dropout_max)),
        outlier_sd=float(options.get("OUTLIER_SD", Cutoffs.outlier_sd)),
        outlier_min_months=int(options.get("OUTLIER_MIN_MONTHS", Cutoffs.outlier_min_months)),
    )


def _load():
    with open(DATA / "indicators.csv", encoding="utf-8") as f:
        rows = [(row, True) for row in csv.DictReader(f)]
    rows += [(row, False) for row in EXTRA_ROWS]
    return [
        Indicator(code=row["code"], kind=row["kind"], label=LABELS[row["code"]], direction=row["direction"],
                  threshold=float(row["threshold"]) if row["threshold"] else None,
                  spec=Spec(row["code"], row["kind"], row["numerator"], row["denominator"]), default=default)
        for row, default in rows
    ]


_ALL = _load()
BY_CODE = {indicator.code: indicator for indicator in _ALL}
INDICATORS = [indicator for indicator in _ALL if indicator.default]
SPECS = [indicator.spec for indicator in _ALL]


def get(code) -> Indicator | None:
    """The indicator of that code, its threshold as the settings may change it; None when unknown."""
    indicator = BY_CODE.get(code)
    if indicator is None:
        return None
    override = _options().get("THRESHOLDS", {}).get(code)
    if override is None:
        return indicator
    return Indicator(**{**indicator.__dict__, "threshold": float(override)})


def all_indicators(*, include_extra=False) -> list[Indicator]:
    """The catalogue with the thresholds of the settings; the default set of the API unless `include_extra`."""
    return [get(i.code) for i in (_ALL if include_extra else INDICATORS)]
