"""Batched reads of the dashboards: figures of many org units at once, coaching activity by GROUP BY.

Every function here runs a fixed number of queries, whatever the number of units or records
below (tests/dashboards/test_query_counts.py holds them to it). Indicator figures come from the
pre-aggregated tables, as in `indicators/queries.py`, but for a whole set of units in one read;
the arithmetic is the indicators app's own (`compute_values`), so a value here is the value the
API gives (tests/dashboards/test_figures.py compares them).

Visibility is the caller's: the units passed in must already come from `org_units_visible_to`,
and coaching records are read through `coaching/queries.py`. Practice relationships never count.
"""

import functools
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pevcoach.coaching.models import RATING_FIELDS, Action, Feedback, Goal, Relationship, Session
from pevcoach.coaching.queries import relationships_visible_to, sees_all_coaching_under
from pevcoach.indicators import catalogue, figures_cache
from pevcoach.indicators.compute import (
    Inputs,
    compute_values,
    has_monthly_terms,
    month_range,
    monthly_terms,
    prorated_target,
)
from pevcoach.indicators.models import ElementKind, MonthlyReporting, MonthlyTotal, MonthlyValue, YearlyTotal
from pevcoach.orgunits.models import Level, OrgUnit
from pevcoach.orgunits.queries import leaves_among

HELD = [Session.Status.HELD, Session.Status.COMPLETED]
_TERM = str.maketrans("+-()", "    ")


def _elements_of(codes):
    """Data element codes that the given indicators read (None: all of them)."""
    if codes is None:
        return None
    wanted, specs = set(codes), {s.code: s for s in catalogue.SPECS}
    if wanted & {"DQ_COV_GT100", "DQ_OUTLIER"}:
        return None
    for code in list(wanted):
        if specs[code].kind == "category":
            wanted |= {part.strip() for part in specs[code].numerator.split(" and ")}
    elements = set()
    for code in wanted:
        spec = specs[code]
        for formula in (spec.numerator, spec.denominator):
            elements |= {word for word in formula.translate(_TERM).replace("target", " ").split()
                         if word.isupper() and word not in catalogue.BY_CODE}
    return elements


@functools.lru_cache(maxsize=64)
def _specs_for(codes):
    """The specs `compute_values` needs for `codes` (a tuple, or None for all), dependencies included."""
    if codes is None or "DQ_COV_GT100" in codes:
        return catalogue.SPECS
    wanted = set(codes)
    for spec in catalogue.SPECS:
        if spec.code in wanted and spec.kind == "category":
            wanted |= {part.strip() for part in spec.numerator.split(" and ")}
    return [spec for spec in catalogue.SPECS if spec.code in wanted]


@dataclass
class Figures:
    """Monthly sums, populations and reporting counts of a set of units, ready for `compute_values`."""

    series: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))  # unit → element → month
    populations: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))  # unit → element → year
    reporting: dict = field(default_factory=lambda: defaultdict(dict))  # unit → month → reporting centres
    facilities: dict = field(default_factory=dict)  # unit → health centres of its subtree
    cutoffs: object = None

    def inputs(self, unit_id, months):
        sums = {}
        for code, by_month in self.series.get(unit_id, {}).items():
            present = [by_month[m] for m in months if m in by_month]
            if present:
                sums[code] = math.fsum(present)
        targets = {}
        for code, by_year in self.populations.get(unit_id, {}).items():
            target = prorated_target(by_year, months)
            if target is not None:
                targets[code] = target
        reporting = self.reporting.get(unit_id, {})
        return Inputs(sums=sums, targets=targets, reporting=sum(reporting.get(m, 0) for m in months),
                      expected=self.facilities.get(unit_id, 0) * len(months))

    def values(self, unit_id, months, codes=None):
        """{code: {"indicator", "value", "numerator", "denominator"}} of one unit over `months`."""
        computed = compute_values(_specs_for(None if codes is None else tuple(codes)), self.inputs(unit_id, months),
                                  self.cutoffs)
        return {code: value.as_dict() for code, value in computed.items() if codes is None or code in codes}

    def terms_each_month(self, unit_id, months, code):
        """{month: (numerator, denominator)} of one indicator, unrounded: the impact view asks 36,000 of them
        for the country and pools them itself."""
        spec = catalogue.get(code).spec
        if has_monthly_terms(spec):
            return monthly_terms(spec, self.series.get(unit_id, {}), self.populations.get(unit_id, {}), months)
        return {month: (computed[code].numerator, computed[code].denominator)
                for month, computed in self._computed_each_month(unit_id, months, [code])}

    def _computed_each_month(self, unit_id, months, codes):
        specs = _specs_for(tuple(codes))
        series, reporting = self.series.get(unit_id, {}), self.reporting.get(unit_id, {})
        expected, targets = self.facilities.get(unit_id, 0), {}
        for month in months:
            year = month // 100
            if year not in targets:
                targets[year] = {code: target for code, by_year in self.populations.get(unit_id, {}).items()
                                 if (target := prorated_target(by_year, [month])) is not None}
            inputs = Inputs(sums={code: float(by_month[month]) for code, by_month in series.items()
                                  if month in by_month},
                            targets=targets[year], reporting=reporting.get(month, 0), expected=expected)
            yield month, compute_values(specs, inputs, self.cutoffs)

    def monthly(self, unit_id, months, code):
        """One indicator month by month: [value or None], oldest first: what `values(unit_id, [month], [code])`
        gives for each month, with the populations prorated once a year rather than once a month."""
        return [computed[code].as_dict()["value"] for _month, computed in
                self._computed_each_month(unit_id, months, [code])]


def _facility_counts(units):
    """{unit id: health centres in its subtree}, from the paths of the centres below their common ancestor."""
    if not units:
        return {}
    if all(unit.level == Level.FACILITY for unit in units):  # the lowest level: each counts itself
        return {unit.pk: 1 for unit in units}
    common = units[0].ancestor_ids
    for unit in units[1:]:
        ids = unit.ancestor_ids
        n = 0
        while n < min(len(common), len(ids)) and common[n] == ids[n]:
            n += 1
        common = common[:n]
    wanted = {u.pk for u in units}
    counts = dict.fromkeys(wanted, 0)
    centres = OrgUnit.objects.filter(level=Level.FACILITY)
    if common:
        centres = centres.filter(path__startswith="/" + "/".join(map(str, common)) + "/")
    for path in centres.values_list("path", flat=True):
        for ancestor in path.strip("/").split("/"):
            if int(ancestor) in wanted:
                counts[int(ancestor)] += 1
    return counts


def load_figures(units, months, codes=None, leaves=None):
    """The figures of `units` over `months` (integers YYYYMM), enough to compute `codes` (None: all).

    Seven queries at most, whatever the number of units (five without completeness): units with
    units below them read the totals tables, the others their own values.
    """
    units = list(units)
    figures = Figures(cutoffs=catalogue.cutoffs())
    if not units or not months:
        return figures
    leaves = leaves_among(units) if leaves is None else leaves
    leaf_ids = [u.pk for u in units if u.pk in leaves]
    parent_ids = [u.pk for u in units if u.pk not in leaves]
    elements = _elements_of(codes)
    narrow = {} if elements is None else {"data_element__code__in": sorted(elements)}
    for table, ids in ((MonthlyTotal, parent_ids), (MonthlyValue, leaf_ids)):
        rows = table.objects.filter(org_unit_id__any_of=ids, month__in=months, **narrow).values_list(
            "org_unit_id", "data_element__code", "month", "value")
        for unit_id, code, month, value in rows:
            figures.series[unit_id][code][month] = value
    years = sorted({m // 100 for m in months})
    for unit_id, code, year, value in YearlyTotal.objects.filter(
            org_unit_id__any_of=[u.pk for u in units], year__in=years, **narrow).values_list(
            "org_unit_id", "data_element__code", "year", "value"):
        figures.populations[unit_id][code][year] = value
    if codes is None or "DQ_COMPLETE" in codes:  # reporting counts serve completeness only
        _load_reporting(figures, units, months, leaves, parent_ids)
    figures.facilities = _facility_counts(units)
    return figures


def _load_reporting(figures, units, months, leaves, parent_ids):
    for unit_id, month, n in MonthlyReporting.objects.filter(org_unit_id__any_of=parent_ids, month__in=months
                                                              ).values_list("org_unit_id", "month", "facilities"):
        figures.reporting[unit_id][month] = n
    centres = [u.pk for u in units if u.pk in leaves and u.level == Level.FACILITY]
    for unit_id, month in MonthlyValue.objects.filter(
            org_unit_id__any_of=centres, month__in=months, data_element__kind=ElementKind.DOSES).values_list(
            "org_unit_id", "month").distinct():
        figures.reporting[unit_id][month] = 1


def latest_month(units, leaves=None):
    """The latest month (YYYYMM int) for which any of the units' subtrees reported a dose, or None."""
    units = list(units)
    leaves = leaves_among(units) if leaves is None else leaves
    found = []
    for table, ids in ((MonthlyTotal, [u.pk for u in units if u.pk not in leaves]),
                       (MonthlyValue, [u.pk for u in units if u.pk in leaves])):
        if ids:
            found.append(table.objects.filter(org_unit_id__any_of=ids, data_element__kind=ElementKind.DOSES).aggregate(
                latest=Max("month"))["latest"])
    found = [m for m in found if m is not None]
    return max(found) if found else None


def window(last, months=12):
    """The `months` months ending with `last` (None when there is no data)."""
    return month_range(last, months) if last else []


# --- Coaching, by GROUP BY ----------------------------------------------------------------------

def coaching_counts(user, unit, kind, *parts, compute):
    """`(compute(), when it was counted)`: the coaching counts of an area's dashboard or report.

    A region's or the country's counts run through tens of thousands of sessions, actions, goals and
    ratings (a quarter of a second for the country): they are kept LARGE_AREA_COUNTS_SECONDS (a minute)
    and shared by everyone who sees all the coaching there, so a national dashboard opened a hundred
    times an hour counts once a minute; the page says when it counted. Districts and centres, and anyone
    who sees only part of an area, are counted live. `parts` must name everything else the counts
    depend on (dates); the result must be plain data that pickles.
    """
    if unit.level > Level.REGION or not sees_all_coaching_under(user, unit):
        return compute(), None
    fingerprint = hashlib.sha1(repr((unit.path, parts)).encode(), usedforsecurity=False).hexdigest()
    key = f"coaching-counts:{figures_cache.CODE_STAMP}:{unit.pk}:{kind}:{fingerprint}"
    return figures_cache.kept(key, settings.LARGE_AREA_COUNTS_SECONDS, lambda: (compute(), timezone.now()))


def real_relationships(user, unit=None):
    """Relationships the user may see, practice left out, within `unit`'s subtree when given."""
    relationships = relationships_visible_to(user).filter(is_practice=False)
    if unit is not None:
        relationships = relationships.filter(org_unit__path__startswith=unit.path)
    return relationships


def coached_paths(relationships):
    """Paths of the health centres that have an active (real) coaching relationship."""
    return set(relationships.filter(status=Relationship.Status.ACTIVE, org_unit__level=Level.FACILITY).values_list(
        "org_unit__path", flat=True).order_by().distinct())


def sessions_by_month_and_mode(relationships, since):
    """{(month YYYYMM, mode): sessions held} from `since` (an aware datetime)."""
    rows = Session.objects.filter(relationship__in=relationships, status__in=HELD, scheduled_for__gte=since
                                  ).annotate(m=TruncMonth("scheduled_for")).values("m", "mode").annotate(
        n=Count("id")).order_by()
    return {(row["m"].year * 100 + row["m"].month, row["mode"]): row["n"] for row in rows}


def sessions_by_centre(relationships, since, until=None):
    """{centre path: sessions held from `since` (aware datetime) and before `until`}."""
    sessions = Session.objects.filter(relationship__in=relationships, status__in=HELD, scheduled_for__gte=since)
    if until is not None:
        sessions = sessions.filter(scheduled_for__lt=until)
    return dict(sessions.values_list("relationship__org_unit__path").annotate(n=Count("id")).order_by())


def action_record(relationships, today, since, until=None):
    """Counts of actions due from `since` (a date) to `until` included: done on time, done late, overdue,
    not yet due."""
    done = Q(status=Action.Status.DONE)
    due = Q(due_date__gte=since) & (Q(due_date__lte=until) if until else Q())
    return Action.objects.filter(due, relationship__in=relationships).aggregate(
        on_time=Count("id", filter=done & Q(completed_at__date__lte=F("due_date"))),
        late=Count("id", filter=done & Q(completed_at__date__gt=F("due_date"))),
        overdue=Count("id", filter=Q(status=Action.Status.OPEN, due_date__lt=today)),
        not_due=Count("id", filter=Q(status__in=Action.STILL_OPEN,
                                     due_date__gte=today)),
    )


def goal_record(relationships):
    """{status: goals} of the relationships."""
    counts = dict.fromkeys(Goal.Status.values, 0)
    counts.update(Goal.objects.filter(relationship__in=relationships).values_list("status").annotate(
        n=Count("id")).order_by())
    return counts


def support_rating(relationships):
    """Count and averages of the coachees' ratings of their coaches' support."""
    return Feedback.objects.filter(relationship__in=relationships, direction=Feedback.Direction.TO_COACH).aggregate(
        count=Count("id"), **{name: Avg(name) for name in RATING_FIELDS})


def coaching_starts(relationships):
    """{centre id: date of the first session held there} (when coaching started).

    Each relationship's first held session is one probe of the (relationship, date) index, rather than
    grouping every session of the area (200,000 for the country)."""
    first_held = Session.objects.filter(relationship=OuterRef("pk"), status__in=HELD).order_by(
        "scheduled_for").values("scheduled_for")[:1]
    starts = {}
    for unit_id, start in relationships.annotate(start=Subquery(first_held)).values_list(
            "org_unit_id", "start").order_by():
        if start is not None and (unit_id not in starts or start < starts[unit_id]):
            starts[unit_id] = start
    return starts
