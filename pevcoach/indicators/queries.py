"""Reads of indicator data. All of them read the pre-aggregated totals, a few rows per call.

`indicator_values`, `indicator_series` and `latest_period_with_data` do not check who may see
the unit: callers do, with `org_units_visible_to(user)` (the API below does, and so must the
pages and the coaching app). `import_logs_visible_to(user)` is scoped itself.

    from pevcoach.indicators.queries import indicator_values, indicator_series, latest_period_with_data
    indicator_values(unit, "2025Q3")                 # [{"indicator", "value", "numerator", "denominator"}, …]
    indicator_values(unit, "202507", ["COV_PENTA1", "RED_CAT"])
    indicator_series(unit, "COV_PENTA3", "202507", 12)  # [{"period": "202408", "value", …}, …]
    latest_period_with_data(unit)                    # "202507" or None
    indicator_values_between(unit, "202505", "202507", ["COV_PENTA1"])   # any run of months
"""

import math
from collections import defaultdict

from django.db.models import Max, Q

from pevcoach.indicators import catalogue, figures_cache
from pevcoach.indicators.compute import (
    Inputs,
    PeriodError,
    add_months,
    compute_values,
    count_outliers,
    month_range,
    parse_month,
    parse_period,
    prorated_target,
)
from pevcoach.indicators.models import (
    DataElement,
    ElementKind,
    ImportLog,
    MonthlyReporting,
    MonthlyTotal,
    MonthlyValue,
    YearlyTotal,
)
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.queries import leaves_among, org_units_visible_to, sees_subtree

OUTLIER_WINDOW = 12
MAX_SERIES_MONTHS = 120


class UnknownIndicator(ValueError):
    pass


def _codes(codes):
    if codes is None:
        return [i.code for i in catalogue.INDICATORS]
    unknown = [code for code in codes if code not in catalogue.BY_CODE]
    if unknown:
        raise UnknownIndicator(", ".join(unknown))
    return list(dict.fromkeys(codes))


def _monthly_table(unit):
    """Where a unit's monthly figures are: the totals of its subtree, or its own values when it has
    no children (totals.py stores no total for those)."""
    return MonthlyTotal if OrgUnit.objects.filter(parent=unit).exists() else MonthlyValue


def _monthly_totals(table, unit, months):
    """{element code: {month: value}} of the unit's subtree, and the codes of dose elements."""
    series, doses = defaultdict(dict), set()
    rows = table.objects.filter(org_unit=unit, month__in=months).values_list(
        "data_element__code", "data_element__kind", "month", "value")
    for code, kind, month, value in rows:
        series[code][month] = value
        if kind == ElementKind.DOSES:
            doses.add(code)
    return series, doses


def _populations(unit, years):
    """{population element code: {year: value}} by rule C7 (pre-computed in YearlyTotal)."""
    found = defaultdict(dict)
    rows = YearlyTotal.objects.filter(org_unit=unit, year__in=years).values_list("data_element__code", "year", "value")
    for code, year, value in rows:
        found[code][year] = value
    return found


def _reporting(table, unit, months, series, doses):
    """{month: health centres of the subtree that reported any dose}."""
    if table is MonthlyTotal:
        return dict(MonthlyReporting.objects.filter(org_unit=unit, month__in=months).values_list(
            "month", "facilities"))
    if unit.level != Level.FACILITY:
        return {}
    return {month: 1 for month in months if any(month in series[code] for code in doses)}


def _facilities(unit):
    """Health centres expected to report each month: those of the subtree (the unit itself if it is one)."""
    return OrgUnit.objects.filter(path__startswith=unit.path, level=Level.FACILITY).count()


def _inputs(months, series, doses, populations, reporting, facilities, with_outliers, cutoffs):
    sums = {}
    for code, by_month in series.items():
        present = [by_month[m] for m in months if m in by_month]
        if present:
            sums[code] = math.fsum(present)
    targets = {}
    for code, by_year in populations.items():
        target = prorated_target(by_year, months)
        if target is not None:
            targets[code] = target
    inputs = Inputs(sums=sums, targets=targets, reporting=sum(reporting.get(m, 0) for m in months),
                    expected=facilities * len(months))
    if with_outliers:
        inputs.outliers, inputs.checked = count_outliers(
            {code: series[code] for code in doses}, months, window=OUTLIER_WINDOW, sd=cutoffs.outlier_sd,
            min_points=cutoffs.outlier_min_months)
    return inputs


def indicator_values(org_unit, period: str, codes: list[str] | None = None) -> list[dict]:
    """The indicators of `org_unit` over `period` (YYYYMM, YYYYQn or YYYY), as the API gives them (C6).

    Each item is {"indicator", "value", "numerator", "denominator"}; value is None when it cannot be
    computed. All indicators of the catalogue when `codes` is None, else those, in that order.
    Raises compute.PeriodError for a bad period and UnknownIndicator for an unknown code.
    Does not check visibility: the caller does.
    """
    return _values_for_months(org_unit, list(parse_period(period).months), codes)


def indicator_values_between(org_unit, first_month: str, last_month: str, codes: list[str] | None = None) -> list[dict]:
    """Like `indicator_values`, over the months `first_month` to `last_month` (YYYYMM, both included),
    e.g. the last 3 or 12 months with data. Raises compute.PeriodError when last comes before first."""
    first, last = parse_month(first_month), parse_month(last_month)
    if last < first:
        raise PeriodError(f"{first_month}-{last_month}")
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    return _values_for_months(org_unit, months, codes)


def _values_for_months(org_unit, months, codes):
    codes = _codes(codes)
    return figures_cache.remember("values", org_unit.pk, tuple(months), tuple(codes),
                                  compute=lambda: _work_out_values(org_unit, months, codes))


def _work_out_values(org_unit, months, codes):
    with_outliers = "DQ_OUTLIER" in codes
    cutoffs = catalogue.cutoffs()
    window = month_range(months[-1], len(months) + OUTLIER_WINDOW) if with_outliers else months
    table = _monthly_table(org_unit)
    series, doses = _monthly_totals(table, org_unit, window)
    inputs = _inputs(months, series, doses, _populations(org_unit, sorted({m // 100 for m in months})),
                     _reporting(table, org_unit, months, series, doses), _facilities(org_unit), with_outliers,
                     cutoffs)
    computed = compute_values(catalogue.SPECS, inputs, cutoffs)
    return [computed[code].as_dict() for code in codes]


def indicator_series(org_unit, code: str, last_month: str, months: int) -> list[dict]:
    """One indicator month by month for charts: the `months` months ending with `last_month` (YYYYMM).

    Items are {"period": "YYYYMM", "value", "numerator", "denominator"}, oldest first.
    Raises compute.PeriodError, UnknownIndicator, or ValueError when `months` is not 1 to 120.
    """
    (code,) = _codes([code])
    if not 1 <= int(months) <= MAX_SERIES_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_SERIES_MONTHS}")
    chart = month_range(parse_month(last_month), int(months))
    return figures_cache.remember("series", org_unit.pk, code, tuple(chart),
                                  compute=lambda: _work_out_series(org_unit, code, chart))


def _work_out_series(org_unit, code, chart):
    with_outliers = code == "DQ_OUTLIER"
    cutoffs = catalogue.cutoffs()
    window = [add_months(chart[0], -OUTLIER_WINDOW + i) for i in range(OUTLIER_WINDOW)] + chart if with_outliers \
        else chart
    table = _monthly_table(org_unit)
    series, doses = _monthly_totals(table, org_unit, window)
    populations = _populations(org_unit, sorted({m // 100 for m in chart}))
    reporting, facilities = _reporting(table, org_unit, chart, series, doses), _facilities(org_unit)
    points = []
    for month in chart:
        inputs = _inputs([month], series, doses, populations, reporting, facilities, with_outliers, cutoffs)
        value = compute_values(catalogue.SPECS, inputs, cutoffs)[code].as_dict()
        points.append({"period": str(month), **{k: v for k, v in value.items() if k != "indicator"}})
    return points


def latest_period_with_data(org_unit) -> str | None:
    """The latest month (YYYYMM) for which the unit's subtree reported any dose, or None."""
    latest = _monthly_table(org_unit).objects.filter(org_unit=org_unit, data_element__kind=ElementKind.DOSES).aggregate(
        latest=Max("month"))["latest"]
    return None if latest is None else str(latest)


def latest_periods_with_data(units, leaves=None) -> dict[int, str]:
    """{unit id: "YYYYMM"}: `latest_period_with_data` of many units at once, in a few queries whatever
    their number (units without any dose are left out). `leaves`: `leaves_among(units)`, when known.

    Nearly every unit's latest month is among the last twelve of the newest: those are read first,
    through the month index; only units silent for a year have all their months read.
    """
    units = list(units)
    leaves = leaves_among(units) if leaves is None else leaves
    found = {}
    # Element ids rather than a join: MAX(month) then reads the month index backwards and stops early.
    dose_ids = list(DataElement.objects.filter(kind=ElementKind.DOSES).values_list("id", flat=True))
    for table, chosen in ((MonthlyTotal, [u.pk for u in units if u.pk not in leaves]),
                          (MonthlyValue, [u.pk for u in units if u.pk in leaves])):
        if not chosen:
            continue
        doses = table.objects.filter(org_unit_id__any_of=chosen, data_element_id__in=dose_ids)
        newest = doses.aggregate(latest=Max("month"))["latest"]
        if newest is None:
            continue
        found.update(_latest_month_of_each(doses.filter(month__gte=add_months(newest, -11))))
        silent = [pk for pk in chosen if pk not in found]
        if silent:
            found.update(_latest_month_of_each(doses.filter(org_unit_id__any_of=silent)))
    return {unit_id: str(month) for unit_id, month in found.items()}


def _latest_month_of_each(values):
    return values.values("org_unit_id").annotate(latest=Max("month")).order_by().values_list("org_unit_id", "latest")


def resolve_org_unit(identifier):
    """The unit of that code or DHIS2 UID (or database id), or None. Not scoped."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    unit = OrgUnit.objects.filter(Q(code=identifier) | Q(dhis2_uid=identifier)).first()
    # ASCII digits only ("²".isdigit() is true), and few enough to fit a database integer.
    if unit is None and identifier.isascii() and identifier.isdigit() and len(identifier) <= 18:
        unit = OrgUnit.objects.filter(pk=int(identifier)).first()
    return unit


def visible_org_unit(user, identifier):
    """(unit, visible): the unit named by code, UID or id, and whether `user` may see its figures."""
    unit = resolve_org_unit(identifier)
    return unit, unit is not None and org_units_visible_to(user).filter(pk=unit.pk).exists()


def import_logs_visible_to(user):
    """Superusers see every import; administrators those made within their area."""
    if not user.is_authenticated or not user.is_active:
        return ImportLog.objects.none()
    if user.is_superuser:
        return ImportLog.objects.all()
    if not (user.is_org_admin and sees_subtree(user)) or user.org_unit_id is None:
        return ImportLog.objects.none()
    return ImportLog.objects.filter(scope__path__startswith=user.org_unit.path)


