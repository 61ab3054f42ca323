"""Pre-aggregated totals: what the dashboards and the API read (DESIGN §3).

For every unit that has units below it: the monthly sum of each element over its subtree
(MonthlyTotal) and the number of health centres that reported doses (MonthlyReporting); for
every unit, the yearly population by rule C7 (YearlyTotal). A unit without children needs no
monthly total: its own values are its totals, and skipping those rows halves the work of a
national import. The import service refreshes only the months, years and branches an import
touched, in the import's own transaction, so totals are right as soon as the import commits.

Subtrees come from the materialised paths: a temporary table of (ancestor, unit) pairs,
built in Python from `OrgUnit.path`, joins the raw values to every unit above them.
"""

from django.db import connection

from pevcoach.indicators import figures_cache
from pevcoach.indicators.compute import effective_populations
from pevcoach.indicators.models import (
    DataElement,
    ElementKind,
    MonthlyReporting,
    MonthlyTotal,
    MonthlyValue,
    YearlyTotal,
    YearlyValue,
)
from pevcoach.orgunits.models import Level, OrgUnit

TREE = "indicators_tree"
WORK_MEM = "128MB"


def _units():
    return list(OrgUnit.objects.values_list("id", "parent_id", "path", "level"))


def _ids(path):
    return [int(part) for part in path.strip("/").split("/") if part]


def _ancestors_of(units, unit_ids):
    """Ids of the given units and of every unit above them; None stands for all units."""
    if unit_ids is None:
        return None
    paths = {uid: path for uid, _parent, path, _level in units}
    found = {a for uid in unit_ids if uid in paths for a in _ids(paths[uid])}
    return None if len(found) * 2 > len(units) else found  # most of the tree: cheaper to redo it all


def _in(values):
    """An SQL list of integers, avoiding the databases' limits on parameters.

    The statements here are built from our table names and integers only (hence the noqa: S608).
    """
    return "(" + ",".join(str(int(v)) for v in sorted(values)) + ")"


def refresh_monthly(*, months, unit_ids=None):
    """Recompute monthly totals and reporting counts for `months`, for the given units and their ancestors."""
    months = sorted(set(months))
    if not months:
        return
    figures_cache.bump()
    units = _units()
    ancestors = _ancestors_of(units, unit_ids)
    parents = {parent for _uid, parent, _path, _level in units if parent is not None}
    pairs = [(a, uid, level == Level.FACILITY) for uid, _parent, path, level in units for a in _ids(path)
             if a in parents and (ancestors is None or a in ancestors)]
    totals, reporting = MonthlyTotal._meta.db_table, MonthlyReporting._meta.db_table
    values, elements = MonthlyValue._meta.db_table, DataElement._meta.db_table
    month_list = _in(months)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TREE}")
        cursor.execute(f"CREATE TEMP TABLE {TREE} (ancestor_id bigint NOT NULL, unit_id bigint NOT NULL, "
                       "facility boolean NOT NULL)")
        cursor.executemany(f"INSERT INTO {TREE} VALUES (%s, %s, %s)", pairs)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TREE}")
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")  # the grouping below holds a row per total
        unit_filter = "" if ancestors is None else f" AND org_unit_id IN {_in(ancestors)}"
        cursor.execute(f"DELETE FROM {totals} WHERE month IN {month_list}{unit_filter}")  # noqa: S608
        cursor.execute(f"DELETE FROM {reporting} WHERE month IN {month_list}{unit_filter}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {totals} (org_unit_id, data_element_id, month, value) "  # noqa: S608
            f"SELECT c.ancestor_id, v.data_element_id, v.month, SUM(v.value) "
            f"FROM {TREE} c JOIN {values} v ON v.org_unit_id = c.unit_id "
            f"WHERE v.month IN {month_list} GROUP BY c.ancestor_id, v.data_element_id, v.month "
            f"ORDER BY c.ancestor_id, v.month, v.data_element_id"  # in index order: cheaper to insert
        )
        cursor.execute(
            f"INSERT INTO {reporting} (org_unit_id, month, facilities) "  # noqa: S608
            f"SELECT c.ancestor_id, r.month, COUNT(*) FROM {TREE} c JOIN ("
            f"  SELECT DISTINCT v.org_unit_id, v.month FROM {values} v "
            f"  JOIN {elements} d ON d.id = v.data_element_id "
            f"  WHERE d.kind = '{ElementKind.DOSES.value}' AND v.month IN {month_list}"
            f") r ON r.org_unit_id = c.unit_id WHERE c.facility GROUP BY c.ancestor_id, r.month"
        )
        cursor.execute(f"DROP TABLE {TREE}")


def refresh_yearly(*, years):
    """Recompute every unit's population for `years` by rule C7, writing only what changed."""
    years = sorted(set(years))
    if not years:
        return
    figures_cache.bump()
    units = [(uid, parent, len(_ids(path))) for uid, parent, path, _level in _units()]
    own = {}
    for unit_id, element_id, year, value in YearlyValue.objects.filter(year__in=years).values_list(
            "org_unit_id", "data_element_id", "year", "value"):
        own.setdefault((element_id, year), {})[unit_id] = value
    wanted = {}
    for (element_id, year), values in own.items():
        for unit_id, value in effective_populations(units, values).items():
            wanted[(unit_id, element_id, year)] = value
    existing = {(t.org_unit_id, t.data_element_id, t.year): t for t in YearlyTotal.objects.filter(year__in=years)}
    changed = []
    for key, total in existing.items():
        if key in wanted and wanted[key] != total.value:
            total.value = wanted[key]
            changed.append(total)
    YearlyTotal.objects.bulk_update(changed, ["value"], batch_size=2000)
    gone = [t.pk for key, t in existing.items() if key not in wanted]
    for start in range(0, len(gone), 2000):
        YearlyTotal.objects.filter(pk__in=gone[start:start + 2000]).delete()
    YearlyTotal.objects.bulk_create(
        [YearlyTotal(org_unit_id=u, data_element_id=e, year=y, value=v) for (u, e, y), v in wanted.items()
         if (u, e, y) not in existing], batch_size=2000)


def refresh_all():
    """Recompute every total, e.g. after units moved in the tree or a centre got units below it."""
    MonthlyTotal.objects.all().delete()
    MonthlyReporting.objects.all().delete()
    refresh_monthly(months=MonthlyValue.objects.values_list("month", flat=True).distinct())
    years = YearlyValue.objects.values_list("year", flat=True).distinct()
    refresh_yearly(years=list(years) + list(YearlyTotal.objects.values_list("year", flat=True).distinct()))
