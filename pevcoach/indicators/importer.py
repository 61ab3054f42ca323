"""Checking and writing imported data (contract C5). Called by services.py inside its transaction.

Data values are checked row by row against the database's data elements, mappings and org
units; the first bad row problems are collected and the whole import is rejected with them.
Good values go to a temporary staging table (COPY on PostgreSQL, batched inserts on SQLite)
and from there into the value tables in three set-based statements: delete, update what
differs, insert what is new. So re-importing a file changes nothing, and a million values
take seconds rather than hours.
"""

import datetime
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from pevcoach.indicators.compute import PeriodError, parse_period
from pevcoach.indicators.models import DataElement, DataElementMapping, MonthlyValue, OrgUnitGeometry, YearlyValue
from pevcoach.indicators.readers import where
from pevcoach.orgunits.models import OrgUnit
from pevcoach.orgunits.services import OrgUnitError, create_org_unit, update_org_unit

DEFAULT_COMBOS = {"", "HllvX50cXC0", "default"}
UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")
MAX_ERRORS = 50
STAGING = "indicators_staging"
PROGRESS_EVERY = 20000
WORK_MEM = "128MB"


class ImportRejected(Exception):
    """The import changed nothing; `errors` names each bad row and its reason."""

    def __init__(self, errors):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = [str(e) for e in errors]


def _combo(value):
    return "" if value in DEFAULT_COMBOS else value


@dataclass(frozen=True)
class Element:
    id: int
    code: str
    yearly: bool
    count: bool


@dataclass
class CheckedValues:
    rows: int = 0
    # (org unit id, data element id, YYYYMM or YYYY, yearly) → (value or None, deleted, lastUpdated)
    values: dict = field(default_factory=dict)
    ignored: Counter = field(default_factory=Counter)


# --- Mapping -----------------------------------------------------------------------------------

def save_mapping(rows):
    """Store (where, data element, combo, code) rows; all rows must name one of our codes."""
    elements = {e.code: e for e in DataElement.objects.all()}
    errors, wanted = [], {}
    for place, data_element, combo, code in rows:
        if not data_element:
            errors.append(_("%(where)s: the DHIS2 data element is empty.") % {"where": place})
        elif code not in elements:
            errors.append(_("%(where)s: “%(code)s” is not a PEV Coach data element code.")
                          % {"where": place, "code": code})
        else:
            wanted[(data_element, _combo(combo))] = elements[code]
    if errors:
        raise ImportRejected(errors)
    for (data_element, combo), element in wanted.items():
        DataElementMapping.objects.update_or_create(
            dhis2_data_element=data_element, dhis2_category_option_combo=combo, defaults={"data_element": element})
    return len(wanted)


# --- Data values -------------------------------------------------------------------------------

class Lookups:
    """What the rows are checked against, loaded once per import."""

    def __init__(self, allowed_unit_ids=None):
        by_id = {e.id: Element(e.id, e.code, e.is_yearly, e.is_count) for e in DataElement.objects.all()}
        self.elements = {e.code: e for e in by_id.values()}
        self.mapping = {(m.dhis2_data_element, _combo(m.dhis2_category_option_combo)): by_id[m.data_element_id]
                        for m in DataElementMapping.objects.all()}
        self.units = {}
        for unit_id, code, uid in OrgUnit.objects.values_list("id", "code", "dhis2_uid"):
            if code:
                self.units[code] = unit_id
            if uid:
                self.units[uid] = unit_id
        self.allowed = allowed_unit_ids


def _period(text, yearly):
    """YYYY for a yearly element, YYYYMM for a monthly one, as an integer; None when it is neither."""
    try:
        period = parse_period(text)
    except PeriodError:
        return None
    if yearly and len(text) == 4:
        return int(text)
    if not yearly and len(text) == 6:
        return period.months[0]
    return None


def _value(text, element):
    """The number of a value, or the reason it is not acceptable."""
    if text is None or text == "":
        return None, _("the value of %(code)s is empty") % {"code": element.code}
    try:
        number = float(text)
    except ValueError:
        return None, _("the value “%(value)s” is not a number") % {"value": text[:40]}
    if not math.isfinite(number):
        return None, _("the value “%(value)s” is not a number") % {"value": text[:40]}
    if number < 0:
        return None, _("the value %(value)s of %(code)s is negative") % {"value": text, "code": element.code}
    if element.count and not number.is_integer():
        return None, _("the value %(value)s of %(code)s is not a whole number") % {"value": text,
                                                                                 "code": element.code}
    return number, None


@functools.lru_cache(maxsize=4096)  # an export's values often share a handful of timestamps
def _timestamp(text):
    """DHIS2's lastUpdated, best effort: an unreadable one is ignored, like the other extra fields."""
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def check_values(records, lookups, *, progress=None) -> CheckedValues:
    """Resolve every record to our ids, or raise ImportRejected naming the bad rows."""
    checked, errors, periods = CheckedValues(), [], {}
    elements, mapping, units, allowed = lookups.elements, lookups.mapping, lookups.units, lookups.allowed
    values = checked.values

    def problem_with(record, element):
        """Store the record's value, or say what is wrong with it."""
        if record.attribute_combo not in DEFAULT_COMBOS:
            return _("the attribute option combo “%(value)s” is not DHIS2's default one") % {
                "value": record.attribute_combo}
        unit_id = units.get(record.org_unit)
        if unit_id is None:
            return _("unknown org unit “%(value)s”") % {"value": record.org_unit}
        if allowed is not None and unit_id not in allowed:
            return _("the org unit “%(value)s” is outside your area") % {"value": record.org_unit}
        period = periods.get((record.period, element.yearly), -1)
        if period == -1:
            period = periods[(record.period, element.yearly)] = _period(record.period, element.yearly)
        if period is None:
            message = (_("bad period “%(value)s” for %(code)s (a year is written YYYY)") if element.yearly else
                       _("bad period “%(value)s” for %(code)s (a month is written YYYYMM)"))
            return message % {"value": record.period, "code": element.code}
        number, problem = (None, None) if record.deleted else _value(record.value, element)
        if problem:
            return problem
        key, moment = (unit_id, element.id, period, element.yearly), _timestamp(record.last_updated)
        earlier = values.get(key)
        # The same key twice: the later row wins, unless DHIS2 dates it before the earlier one.
        if earlier is None or not (moment and earlier[2] and earlier[2] > moment):
            values[key] = (number, record.deleted, moment)
        return None

    total = len(records)
    for n, record in enumerate(records, start=1):
        if progress and n % PROGRESS_EVERY == 0:
            progress(_("Checking"), n, total)
        combo = _combo(record.combo)
        element = mapping.get((record.data_element, combo))
        if element is None and not combo:
            element = elements.get(record.data_element)
        if element is None and record.data_element:
            # A data set carries many elements PEV Coach does not use: report them, do not reject.
            checked.ignored[record.data_element + (f"/{record.combo}" if combo else "")] += 1
            continue
        problem = _("the data element is missing") if element is None else problem_with(record, element)
        if problem is None:
            continue
        errors.append(_("%(where)s: %(problem)s.") % {"where": where(record), "problem": problem})
        if len(errors) >= MAX_ERRORS:
            errors.append(_("… and maybe more: the check stopped after %(count)d errors.") % {"count": MAX_ERRORS})
            break
    checked.rows = total
    if errors:
        raise ImportRejected(errors)
    return checked


def _load_staging(cursor, rows, total, progress):
    timestamp_type = "timestamp with time zone" if connection.vendor == "postgresql" else "text"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(f"CREATE TEMP TABLE {STAGING} (org_unit_id bigint NOT NULL, data_element_id bigint NOT NULL, "
                   f"period integer NOT NULL, yearly boolean NOT NULL, value double precision, "
                   f"deleted boolean NOT NULL, last_updated {timestamp_type})")
    if connection.vendor == "postgresql":
        # Memory for the hash joins and sorts of the statements below, until the transaction ends.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        columns = "org_unit_id, data_element_id, period, yearly, value, deleted, last_updated"
        with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "int4", "bool", "float8", "bool", "timestamptz"])
            for n, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and n % PROGRESS_EVERY == 0:
                    progress(_("Writing"), n, total)
        cursor.execute(f"ANALYZE {STAGING}")
        return
    adapt = connection.ops.adapt_datetimefield_value
    batch = []
    for n, (unit, element, period, yearly, value, deleted, moment) in enumerate(rows, start=1):
        batch.append((unit, element, period, yearly, value, deleted, adapt(moment) if moment else None))
        if len(batch) == 10000:
            cursor.executemany(f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s, %s)", batch)  # noqa: S608
            batch = []
            if progress:
                progress(_("Writing"), n, total)
    if batch:
        cursor.executemany(f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s, %s)", batch)  # noqa: S608


def _apply(cursor, table, column, yearly, deletions):
    """Deleted, updated and created rows of one value table from the staging table.

    The SQL is built from our own table and column names only; values travel in the staging table.
    """
    match = (f"t.org_unit_id = s.org_unit_id AND t.data_element_id = s.data_element_id AND t.{column} = s.period "
             f"AND {'s.yearly' if yearly else 'NOT s.yearly'}")
    # An older DHIS2 value never replaces a newer one; values without a date always do.
    newer = "(s.last_updated IS NULL OR t.last_updated IS NULL OR s.last_updated >= t.last_updated)"
    deleted = 0
    if deletions:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT t.id FROM {table} t JOIN {STAGING} s ON {match} "  # noqa: S608
            f"WHERE s.deleted AND {newer})")
        deleted = cursor.rowcount
    cursor.execute(
        f"UPDATE {table} AS t SET value = s.value, last_updated = s.last_updated FROM {STAGING} s "  # noqa: S608
        f"WHERE {match} AND NOT s.deleted AND t.value <> s.value AND {newer}")
    updated = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {table} (org_unit_id, data_element_id, {column}, value, last_updated) "  # noqa: S608
        f"SELECT s.org_unit_id, s.data_element_id, s.period, s.value, s.last_updated FROM {STAGING} s "
        f"WHERE {'s.yearly' if yearly else 'NOT s.yearly'} AND NOT s.deleted "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})")
    return deleted, updated, cursor.rowcount


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    months: set = field(default_factory=set)  # months and units whose totals need a refresh
    years: set = field(default_factory=set)
    unit_ids: set = field(default_factory=set)


def write_values(checked: CheckedValues, *, progress=None) -> WriteResult:
    result = WriteResult()
    if not checked.values:
        return result
    rows = ((u, e, p, y, v, d, m) for (u, e, p, y), (v, d, m) in checked.values.items())
    with connection.cursor() as cursor:
        _load_staging(cursor, rows, len(checked.values), progress)
        kinds = {(yearly, deleted) for (_u, _e, _p, yearly), (_v, deleted, _m) in checked.values.items()}
        for model, column, yearly in ((MonthlyValue, "month", False), (YearlyValue, "year", True)):
            if not kinds & {(yearly, False), (yearly, True)}:
                continue
            deleted, updated, created = _apply(cursor, model._meta.db_table, column, yearly, (yearly, True) in kinds)
            result.deleted, result.updated, result.created = (
                result.deleted + deleted, result.updated + updated, result.created + created)
            if deleted or updated or created:
                periods = {p for (_u, _e, p, y) in checked.values if y == yearly}
                (result.years if yearly else result.months).update(periods)
                result.unit_ids.update(u for (u, _e, _p, y) in checked.values if y == yearly)
        cursor.execute(f"DROP TABLE {STAGING}")
    result.unchanged = len(checked.values) - result.created - result.updated - result.deleted
    return result


# --- Org units ---------------------------------------------------------------------------------

@dataclass
class UnitRecord:
    where: str
    uid: str
    name: str
    code: str | None
    level: int | None
    parent_uid: str | None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    shape: dict | None = None


@dataclass
class UnitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: bool = False
    grew: bool = False  # a unit without children got some: it needs monthly totals of its own now


def _coordinate(value, limit):
    if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
        raise ValueError
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _unit_record(n, unit):
    place = _("Unit %(number)d") % {"number": n}
    if not isinstance(unit, dict):
        return None, _("%(where)s: not a DHIS2 org unit.") % {"where": place}
    uid = str(unit.get("id") or "").strip()
    place = _("Unit %(number)d (%(uid)s)") % {"number": n, "uid": uid}
    name = str(unit.get("name") or unit.get("displayName") or "").strip()
    code = str(unit.get("code") or "").strip() or None
    level = unit.get("level")
    path_ids = [part for part in str(unit.get("path") or "").split("/") if part]
    parent = unit.get("parent") if isinstance(unit.get("parent"), dict) else {}
    parent_uid = parent.get("id") or (path_ids[-2] if len(path_ids) >= 2 else None)
    if not UID.fullmatch(uid):
        problem = _("“%(value)s” is not a DHIS2 UID (11 letters and digits, a letter first)") % {"value": uid}
    elif not name:
        problem = _("the name is missing")
    elif len(name) > 230 or (code and len(code) > 50):
        problem = _("the name or code is too long")
    elif level is not None and (isinstance(level, bool) or not isinstance(level, int) or level < 1):
        problem = _("the level “%(value)s” is not a whole number from 1") % {"value": level}
    elif path_ids and path_ids[-1] != uid:
        problem = _("its path does not end with its id")
    else:
        record = UnitRecord(place, uid, name, code, level, parent_uid)
        geometry = unit.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            try:
                longitude, latitude = geometry.get("coordinates")
                record.latitude, record.longitude = _coordinate(latitude, 90), _coordinate(longitude, 180)
            except (TypeError, ValueError):
                return None, _("%(where)s: the point should be [longitude, latitude].") % {"where": place}
        elif isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            record.shape = geometry
        return record, None
    return None, _("%(where)s: %(problem)s.") % {"where": place, "problem": problem}


def _parents_first(records):
    """The records ordered so that a parent in the file comes before its children."""
    by_uid = {r.uid: r for r in records}
    ordered, state = [], {}

    def visit(record, chain):
        if state.get(record.uid) == "done":
            return
        if record.uid in chain:
            raise ImportRejected([_("%(where)s: its parents loop back to it.") % {"where": record.where}])
        parent = by_uid.get(record.parent_uid)
        if parent is not None:
            visit(parent, chain | {record.uid})
        state[record.uid] = "done"
        ordered.append(record)

    for record in records:
        visit(record, frozenset())
    return ordered


def check_org_units(units) -> list[UnitRecord]:
    records, errors, seen_uids, seen_codes = [], [], set(), {}
    for n, unit in enumerate(units, start=1):
        record, problem = _unit_record(n, unit)
        if record is not None and record.uid in seen_uids:
            problem = _("%(where)s: the id appears twice in the file.") % {"where": record.where}
        elif record is not None and record.code and seen_codes.get(record.code, record.uid) != record.uid:
            problem = _("%(where)s: the code “%(code)s” appears twice in the file.") % {
                "where": record.where, "code": record.code}
        if problem:
            errors.append(problem)
            if len(errors) >= MAX_ERRORS:
                break
            continue
        seen_uids.add(record.uid)
        if record.code:
            seen_codes[record.code] = record.uid
        records.append(record)
    if errors:
        raise ImportRejected(errors)
    return _parents_first(records)


def write_org_units(records: list[UnitRecord]) -> UnitResult:
    """Create or update each unit through the org-unit services, which keep paths and levels right."""
    result, resolved, errors = UnitResult(), {}, []
    by_uid = {u.dhis2_uid: u for u in OrgUnit.objects.filter(dhis2_uid__in=[r.uid for r in records])}
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=[r.code for r in records if r.code])}
    for record in records:
        unit = by_uid.get(record.uid)
        if unit is None and record.code in by_code and by_code[record.code].dhis2_uid in (None, record.uid):
            unit = by_code[record.code]  # a unit made by hand before the tree came from DHIS2
        owner = by_code.get(record.code) if record.code else None
        parent = resolved.get(record.parent_uid)
        if parent is None and record.parent_uid:
            parent = OrgUnit.objects.filter(dhis2_uid=record.parent_uid).first()
        if owner is not None and owner != unit:
            errors.append(_("%(where)s: the code “%(code)s” already belongs to “%(name)s”.")
                          % {"where": record.where, "code": record.code, "name": owner.name})
        elif record.parent_uid and parent is None:
            errors.append(_("%(where)s: its parent “%(parent)s” is neither in the file nor known.")
                          % {"where": record.where, "parent": record.parent_uid})
        else:
            try:
                resolved[record.uid] = _save_unit(record, unit, parent, result)
            except OrgUnitError as exc:
                errors.append(_("%(where)s: %(problem)s") % {"where": record.where, "problem": exc})
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return result


def _save_unit(record, unit, parent, result):
    level = record.level or (parent.level + 1 if parent else 1)
    fields = {"name": record.name, "code": record.code, "dhis2_uid": record.uid}
    if record.latitude is not None:
        fields.update(latitude=record.latitude, longitude=record.longitude)
    if unit is None:
        result.grew = result.grew or (parent is not None and not OrgUnit.objects.filter(parent=parent).exists())
        unit = create_org_unit(parent=parent, level=level, **fields)
        result.created += 1
    else:
        if result.moved:
            unit.refresh_from_db()  # an ancestor moved earlier in this import: its path and level changed
        changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
        moves = (parent is not None and unit.parent_id != parent.pk) or unit.level != level
        if changed or moves:
            unit = update_org_unit(unit, parent=parent, level=level, **changed)
            result.updated += 1
            result.moved = result.moved or moves
        else:
            result.unchanged += 1
    if record.shape is not None:
        geometry = OrgUnitGeometry.objects.filter(org_unit=unit).first()
        if geometry is None:
            OrgUnitGeometry.objects.create(org_unit=unit, geometry=record.shape)
        elif geometry.geometry != record.shape:
            geometry.geometry = record.shape
            geometry.save(update_fields=["geometry"])
    return unit
