"""Indicator arithmetic on plain values (contract C7). No database and no Django here.

The queries module gathers, for one org unit and one period, the summed monthly values of
its subtree, the target populations prorated to the period and the reporting counts, and
hands them to `compute_values`. Ratios are always computed from summed numerators and
denominators, never by averaging percentages, so a district's value is the one computed
from its facilities' summed data.

Periods are DHIS2's: month `YYYYMM`, quarter `YYYYQn`, year `YYYY`. Months travel as
integers (`202507`) because they sort, compare and index well.
"""

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_MONTH = re.compile(r"(\d{4})(\d{2})")
_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_YEAR = re.compile(r"(\d{4})")
MIN_YEAR, MAX_YEAR = 1900, 2100


class PeriodError(ValueError):
    """A period that is not YYYYMM, YYYYQn or YYYY (or an impossible one such as 202513)."""


@dataclass(frozen=True)
class Period:
    code: str
    months: tuple[int, ...]

    @property
    def years(self):
        return sorted({month // 100 for month in self.months})


def parse_period(text) -> Period:
    text = str(text).strip()
    if match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR:
            return Period(text, (year * 100 + month,))
    elif match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        if MIN_YEAR <= year <= MAX_YEAR:
            first = 3 * (quarter - 1) + 1
            return Period(text, tuple(year * 100 + m for m in range(first, first + 3)))
    elif match := _YEAR.fullmatch(text):
        year = int(match[1])
        if MIN_YEAR <= year <= MAX_YEAR:
            return Period(text, tuple(year * 100 + m for m in range(1, 13)))
    raise PeriodError(text)


def parse_month(text) -> int:
    """`'202507'` → `202507`; anything but a single month raises PeriodError."""
    period = parse_period(text)
    if len(period.months) != 1 or len(period.code) != 6:
        raise PeriodError(text)
    return period.months[0]


def add_months(month: int, n: int) -> int:
    index = (month // 100) * 12 + (month % 100 - 1) + n
    return (index // 12) * 100 + index % 12 + 1


def month_range(last: int, count: int) -> list[int]:
    """The `count` months ending with `last`, oldest first."""
    return [add_months(last, -i) for i in range(count - 1, -1, -1)]


def prorated_target(population_by_year: Mapping[int, float], months: Iterable[int]) -> float | None:
    """Denominator of a period from yearly populations: Σ population(year) × months of P in that year / 12.

    A quarter or year never spans two population years in DHIS2's calendar, but a 12-month
    window of a chart can: each month then counts 1/12 of its own year's population. None
    when any of those years has no population.
    """
    total = 0.0
    for year, n in sorted(Counter(month // 100 for month in months).items()):
        population = population_by_year.get(year)
        if population is None:
            return None
        total += population * n / 12
    return total


def effective_populations(units: Iterable[tuple[int, int | None, int]], own: Mapping[int, float]) -> dict[int, float]:
    """Each unit's population by rule C7: its own value if it has one, else the sum of its children's.

    `units` are (id, parent id, depth) triples; `own` maps unit ids to their own value. A unit
    none of whose descendants has a value gets no entry.
    """
    result, child_sums = {}, {}
    for unit_id, parent_id, _depth in sorted(units, key=lambda u: -u[2]):
        value = own.get(unit_id, child_sums.get(unit_id))
        if value is None:
            continue
        result[unit_id] = value
        if parent_id is not None:
            child_sums[parent_id] = child_sums.get(parent_id, 0.0) + value
    return result


def percent(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return 100 * numerator / denominator


def dropout(first, last):
    """Dropout from dose A to dose B: 100 × (ΣA − ΣB) / ΣA. Negative when more B than A were given."""
    if first is None or last is None:
        return None
    return percent(first - last, first)


def red_category(coverage, dropout_rate, *, access_min=80.0, dropout_max=10.0):
    """RED/ACD category: 1 good access and use, 2 good access poor use, 3 poor access good use, 4 both poor."""
    if coverage is None or dropout_rate is None:
        return None
    good_access, good_use = coverage >= access_min, dropout_rate <= dropout_max
    return {(True, True): 1, (True, False): 2, (False, True): 3, (False, False): 4}[(good_access, good_use)]


def is_outlier(value, history, *, sd=3.0, min_points=6):
    """True when `value` lies more than `sd` standard deviations from the mean of `history`.

    The sample standard deviation of the unit's previous months is the yardstick; with fewer
    than `min_points` months, or a perfectly flat history, there is nothing to judge against.
    """
    if len(history) < min_points:
        return False
    spread = statistics.stdev(history)
    return spread > 0 and abs(value - statistics.fmean(history)) > sd * spread


def count_outliers(series: Mapping[str, Mapping[int, float]], months: Iterable[int], *, window=12, sd=3.0,
                   min_points=6) -> tuple[int, int]:
    """(outlying values, values judged) among `months` of each element's series, each month judged
    against the `window` months before it when at least `min_points` of them hold a value."""
    outliers = checked = 0
    for by_month in series.values():
        for month in months:
            if month not in by_month:
                continue
            history = [by_month[m] for m in month_range(add_months(month, -1), window) if m in by_month]
            if len(history) < min_points:
                continue
            checked += 1
            outliers += is_outlier(by_month[month], history, sd=sd, min_points=min_points)
    return outliers, checked


# --- The catalogue's formulas ------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One indicator as indicators.csv states it: `numerator` and `denominator` are small formulas."""

    code: str
    kind: str
    numerator: str
    denominator: str = ""


@dataclass(frozen=True)
class Cutoffs:
    red_access_min: float = 80.0
    red_dropout_max: float = 10.0
    outlier_sd: float = 3.0
    outlier_min_months: int = 6


@dataclass
class Inputs:
    """What one org unit and one period hold, already summed over the subtree and the months."""

    sums: Mapping[str, float] = field(default_factory=dict)  # monthly element → Σ; absent when no data
    targets: Mapping[str, float] = field(default_factory=dict)  # population element → prorated denominator
    reporting: int = 0  # health-centre months with any dose value
    expected: int = 0  # health-centre months expected
    outliers: int | None = None  # outlying values, None when not checked
    checked: int = 0


@dataclass(frozen=True)
class Value:
    indicator: str
    value: float | int | None
    numerator: float | int | None = None
    denominator: float | None = None

    def as_dict(self):
        return {"indicator": self.indicator, "value": _round(self.value), "numerator": _number(self.numerator),
                "denominator": None if self.denominator is None else float(self.denominator)}


def _round(value):
    if value is None or isinstance(value, int):
        return value
    return round(value, 2)


def _number(value):
    """Counts print as counts: 125, not 125.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


_TARGET = re.compile(r"target\((\w+)\)\s*-\s*(\w+)")
_COMPARISON = re.compile(r"(\w+)\s*>\s*(\w+)")


def _sum_terms(formula, sums):
    """`A + B` over the summed values; terms without data count for nothing, no data at all is None."""
    present = [sums[term] for term in (t.strip() for t in formula.split("+")) if term in sums]
    return math.fsum(present) if present else None


RATE_KINDS = ("coverage", "dropout", "percent")  # 100 × numerator / denominator


def _rate_terms(spec, sums, targets):
    """(numerator, denominator) of a rate; None where the data is missing.

    Coverage: doses over the prorated target population; dropout (A − B) over A; percent: sums over sums."""
    if spec.kind == "coverage":
        return _sum_terms(spec.numerator, sums), targets.get(spec.denominator)
    if spec.kind == "dropout":
        first, last = (sums.get(term.strip()) for term in spec.numerator.split(" - "))
        return (None if first is None or last is None else first - last), first
    return _sum_terms(spec.numerator, sums), _sum_terms(spec.denominator, sums)


def _evaluate(spec, inputs, done, cutoffs, kinds):
    sums = inputs.sums
    if spec.code == "DQ_COMPLETE":
        return Value(spec.code, percent(inputs.reporting, inputs.expected), inputs.reporting, inputs.expected)
    if spec.kind in RATE_KINDS:
        numerator, denominator = _rate_terms(spec, sums, inputs.targets)
        return Value(spec.code, percent(numerator, denominator), numerator, denominator)
    if spec.kind == "count" and (match := _TARGET.fullmatch(spec.numerator)):
        target, given = inputs.targets.get(match[1]), sums.get(match[2])
        value = None if target is None or given is None else target - given
        return Value(spec.code, value, given, target)
    if spec.kind == "count":
        total = _sum_terms(spec.numerator, sums)
        return Value(spec.code, total, total)
    if spec.kind == "category":
        access, use = (done[code.strip()].value for code in spec.numerator.split(" and "))
        return Value(spec.code, red_category(access, use, access_min=cutoffs.red_access_min,
                                             dropout_max=cutoffs.red_dropout_max))
    if spec.kind == "flag":
        return Value(spec.code, _flag(spec, inputs, done, kinds))
    raise ValueError(f"indicator {spec.code}: kind {spec.kind!r} is not understood")


def _flag(spec, inputs, done, kinds):
    if spec.numerator == "any coverage > 100":
        coverages = [v.value for v in done.values() if v.value is not None and kinds[v.indicator] == "coverage"]
        return int(any(c > 100 for c in coverages)) if coverages else None
    if spec.numerator == "outlying values":
        return None if inputs.outliers is None or not inputs.checked else int(inputs.outliers > 0)
    comparisons = [(inputs.sums.get(a), inputs.sums.get(b)) for a, b in _COMPARISON.findall(spec.numerator)]
    judged = [a > b for a, b in comparisons if a is not None and b is not None]
    return int(any(judged)) if judged else None


def has_monthly_terms(spec):
    """Whether `monthly_terms` computes this indicator: a rate of summed values (completeness counts
    reports, not values)."""
    return spec.kind in RATE_KINDS and spec.code != "DQ_COMPLETE"


def monthly_terms(spec, series, populations, months):
    """{month: (numerator, denominator)} of one rate, month by month: `_rate_terms` without an Inputs
    and a Value per month (the impact view asks 36,000 of them).

    series: {element: {month: value}}; populations: {element: {year: population}}.
    """
    if not has_monthly_terms(spec):
        raise ValueError(f"indicator {spec.code}: no monthly terms")
    targets_of_year, found = {}, {}
    for month in months:
        year = month // 100
        if year not in targets_of_year:  # a month counts 1/12 of its year's population (prorated_target)
            targets_of_year[year] = {code: by_year[year] / 12 for code, by_year in populations.items()
                                     if by_year.get(year) is not None}
        sums = {code: float(by_month[month]) for code, by_month in series.items() if month in by_month}
        found[month] = _rate_terms(spec, sums, targets_of_year[year])
    return found


def compute_values(specs: Iterable[Spec], inputs: Inputs, cutoffs: Cutoffs = Cutoffs()) -> dict[str, Value]:
    """Every indicator of `specs` for one unit and period, keyed by code, in the order given.

    Categories and flags that read other indicators (RED_CAT, DQ_COV_GT100) come after them.
    """
    specs = list(specs)
    kinds = {spec.code: spec.kind for spec in specs}
    done = {}
    for spec in sorted(specs, key=lambda s: s.kind in ("category", "flag")):
        done[spec.code] = _evaluate(spec, inputs, done, cutoffs, kinds)
    return {spec.code: done[spec.code] for spec in specs}
