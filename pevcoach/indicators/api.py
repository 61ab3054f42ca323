"""Indicator values for the API (contract C6), scoped to the caller's org units."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from pevcoach.indicators import catalogue
from pevcoach.indicators.compute import PeriodError
from pevcoach.indicators.queries import (
    MAX_SERIES_MONTHS,
    UnknownIndicator,
    indicator_series,
    indicator_values,
    latest_period_with_data,
    visible_org_unit,
)

router = Router(tags=["indicators"])

Number = int | float | None


class IndicatorValueOut(Schema):
    indicator: str
    value: Number
    numerator: Number
    denominator: float | None


class IndicatorValuesOut(Schema):
    org_unit: str
    period: str
    values: list[IndicatorValueOut]


class SeriesPointOut(Schema):
    period: str
    value: Number
    numerator: Number
    denominator: float | None


class IndicatorSeriesOut(Schema):
    org_unit: str
    indicator: str
    values: list[SeriesPointOut]


class IndicatorOut(Schema):
    code: str
    kind: str
    label: str
    direction: str
    threshold: float | None
    default: bool


def _unit(request, identifier):
    unit, visible = visible_org_unit(request.user, identifier)
    if unit is None:
        raise HttpError(400, _("Unknown org unit “%(value)s” (give its code or DHIS2 UID).") % {"value": identifier})
    if not visible:
        raise Http404
    return unit


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request):
    """The indicators PEV Coach computes; `default` ones come in every answer of /indicator-values."""
    return [{"code": i.code, "kind": i.kind, "label": str(i.label), "direction": i.direction,
             "threshold": i.threshold, "default": i.default} for i in catalogue.all_indicators(include_extra=True)]


@router.get("/indicator-values", response=IndicatorValuesOut)
def get_indicator_values(request, org_unit: str, period: str, indicator: list[str] = Query(None)):  # noqa: B008
    """Indicators of one org unit (code or DHIS2 UID) over a month YYYYMM, quarter YYYYQn or year YYYY.

    Numerators are summed over the unit's subtree and the months of the period; denominators of
    coverage are the yearly target population × months / 12. `value` is null when it cannot be
    computed; DQ_* flags are 1 or 0. Repeat `indicator=CODE` to ask for some only.
    """
    unit = _unit(request, org_unit)
    try:
        values = indicator_values(unit, period, indicator or None)
    except PeriodError:
        raise HttpError(400, _("Bad period “%(value)s”: use YYYYMM, YYYYQn or YYYY.") % {"value": period}) from None
    except UnknownIndicator as exc:
        raise HttpError(400, _("Unknown indicator: %(codes)s.") % {"codes": exc}) from None
    return {"org_unit": org_unit, "period": period, "values": values}


@router.get("/indicator-series", response=IndicatorSeriesOut)
def get_indicator_series(request, org_unit: str, indicator: str, last: str | None = None, months: int = 12):
    """One indicator month by month, the `months` months ending with `last` (YYYYMM; default: the
    latest month with data), for charts."""
    unit = _unit(request, org_unit)
    if indicator not in catalogue.BY_CODE:
        raise HttpError(400, _("Unknown indicator: %(codes)s.") % {"codes": indicator})
    if not 1 <= months <= MAX_SERIES_MONTHS:
        raise HttpError(400, _("months must be between 1 and %(max)d.") % {"max": MAX_SERIES_MONTHS})
    last = last or latest_period_with_data(unit)
    if last is None:
        return {"org_unit": org_unit, "indicator": indicator, "values": []}
    try:
        values = indicator_series(unit, indicator, last, months)
    except PeriodError:
        raise HttpError(400, _("Bad month “%(value)s”: use YYYYMM.") % {"value": last}) from None
    return {"org_unit": org_unit, "indicator": indicator, "values": values}
