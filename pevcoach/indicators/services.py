"""Every write of the indicators app: imports from files, a DHIS2 server or the demo, and totals.

Each import is all-or-nothing (contract C5): it runs in one transaction, and a rejected import
changes nothing but leaves an ImportLog saying why. After a successful import commits, the
functions of `after_import_hooks` are called with its ImportLog; other apps register there
(e.g. coaching refreshes goal progress) so this app depends on none of them:

    from pevcoach.indicators.services import after_import_hooks
    after_import_hooks.append(refresh_goal_progress)   # refresh_goal_progress(import_log)
"""

import contextlib
import gc
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pevcoach.audit import services as audit
from pevcoach.indicators import totals
from pevcoach.indicators.dhis2 import Dhis2Error
from pevcoach.indicators.importer import (
    ImportRejected,
    Lookups,
    check_org_units,
    check_values,
    save_mapping,
    write_org_units,
    write_values,
)
from pevcoach.indicators.models import ImportLog, ImportSource, ImportStatus
from pevcoach.indicators.readers import FileFormatError, json_values, read_data_values, read_mapping, read_org_units
from pevcoach.orgunits.models import OrgUnit

logger = logging.getLogger(__name__)

after_import_hooks = []  # callables taking the ImportLog of each successful import, run on commit

__all__ = ["ImportRejected", "after_import_hooks", "import_data_values", "import_org_units", "import_values",
           "load_mapping", "pull_data_values", "pull_org_units", "refresh_totals"]


def _run_hooks(log):
    for hook in list(after_import_hooks):
        try:
            hook(log)
        except Exception:  # one app's failure must not hide the import from the others
            logger.exception("after-import hook %r failed for import %s", hook, log.pk)


def _audit(log, action):
    audit.record(action=action, obj=log, actor=log.user, org_unit_path=log.scope.path if log.scope_id else "",
                 changes={name: getattr(log, name) for name in ("source", "name", "rows", "created", "updated",
                                                                "deleted", "unchanged", "ignored")}
                 | ({"errors": log.errors[:20]} if log.errors else {}))


def _reject(log, errors):
    log.pk, log.status, log.errors, log.finished_at = None, ImportStatus.FAILED, errors, timezone.now()
    log.created = log.updated = log.deleted = log.unchanged = 0
    log.save()
    _audit(log, audit.Action.IMPORT_REJECTED)
    rejected = ImportRejected(errors)
    rejected.log = log
    return rejected


def _run(body, *, source, name, user, scope):
    """Run `body(log)` in a transaction; log the import whether it succeeds or is rejected."""
    log = ImportLog(source=source, name=(name or "")[:300], user=user, scope=scope, status=ImportStatus.SUCCESS)
    try:
        with transaction.atomic():
            body(log)
            log.finished_at = timezone.now()
            log.save()
            _audit(log, audit.Action.IMPORT)  # one entry per import, in its transaction
            transaction.on_commit(partial(_run_hooks, log))
    except ImportRejected as exc:
        raise _reject(log, exc.errors) from exc
    except FileFormatError as exc:
        raise _reject(log, [str(exc)]) from exc
    return log


@contextlib.contextmanager
def _no_cyclic_gc():
    """A big import makes millions of small objects that all live until it ends and hold no cycles:
    Python's cycle collector would walk them over and over for nothing (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _values_body(records, *, allowed_unit_ids=None, mapping=None, progress=None):
    @_no_cyclic_gc()
    def body(log):
        if mapping is not None:
            save_mapping(read_mapping(mapping))
        rows = records() if callable(records) else records
        checked = check_values(rows, Lookups(allowed_unit_ids), progress=progress)
        result = write_values(checked, progress=progress)
        if result.months:
            totals.refresh_monthly(months=result.months, unit_ids=result.unit_ids)
        if result.years:
            totals.refresh_yearly(years=result.years)
        log.rows, log.ignored, log.ignored_elements = checked.rows, sum(checked.ignored.values()), dict(
            checked.ignored.most_common())
        log.created, log.updated, log.deleted, log.unchanged = (
            result.created, result.updated, result.deleted, result.unchanged)

    return body


def import_data_values(*, data, name="", user=None, scope=None, allowed_units=None, mapping=None,
                       progress=None) -> ImportLog:
    """Import a DHIS2 dataValueSets JSON (single or bulk) or DHIS2 CSV file, all or nothing.

    `mapping`, the text of a mapping CSV, is stored first, in the same transaction. With
    `allowed_units` (a queryset), values of any other unit reject the file. `progress(stage,
    done, total)` is called now and then on long files. Raises ImportRejected (with `.log`).
    """
    allowed = None if allowed_units is None else set(allowed_units.values_list("id", flat=True))
    body = _values_body(lambda: read_data_values(data), allowed_unit_ids=allowed, mapping=mapping, progress=progress)
    return _run(body, source=ImportSource.DATA_VALUES_FILE, name=name, user=user, scope=scope)


def import_values(records, *, source, name="", user=None, progress=None) -> ImportLog:
    """Import already-read RawValue records (a DHIS2 pull, the demo), all or nothing."""
    return _run(_values_body(records, progress=progress), source=source, name=name, user=user, scope=None)


def load_mapping(*, data) -> int:
    """Store the rows of a mapping CSV (`dhis2_data_element,dhis2_category_option_combo,code`), all or
    nothing; returns how many rows it holds. Raises ImportRejected naming the bad rows."""
    with transaction.atomic():
        count = save_mapping(read_mapping(data))
        audit.record(action=audit.Action.IMPORT, object_type="indicators.mapping", object_repr="mapping",
                     changes={"rows": count})
        return count


def import_org_units(*, data=None, units=None, name="", user=None, source=ImportSource.ORG_UNITS_FILE) -> ImportLog:
    """Build or update the tree from a DHIS2 organisationUnits file (or a list of units), all or nothing.

    Units are matched by DHIS2 UID, then by code; DHIS2's level numbers are kept; a Point
    geometry gives the coordinates, a polygon is kept for maps.
    """
    def body(log):
        found = units if units is not None else read_org_units(data)
        result = write_org_units(check_org_units(found))
        if result.moved or result.grew:
            totals.refresh_all()  # units changed branch, or a centre got units below it
        log.rows, log.created, log.updated, log.unchanged = len(found), result.created, result.updated, result.unchanged

    return _run(body, source=source, name=name, user=user, scope=None)


def refresh_totals():
    """Recompute every pre-aggregated total (after the tree was edited by hand, say)."""
    with transaction.atomic():
        totals.refresh_all()


def _server_failure(client, user, exc):
    log = ImportLog(source=ImportSource.SERVER, name=client.base_url[:300], user=user)
    return _reject(log, [str(exc)])


def pull_org_units(client, *, roots=(), user=None, progress=None) -> ImportLog:
    """Fetch the org units under `roots` (DHIS2 UIDs; all when empty) from the server and import them."""
    try:
        units = client.org_units(roots=roots, progress=progress)
    except Dhis2Error as exc:
        raise _server_failure(client, user, exc) from exc
    return import_org_units(units=units, name=client.base_url, user=user, source=ImportSource.SERVER)


def pull_data_values(client, *, data_sets, periods=(), roots=(), last_updated=None, user=None,
                     progress=None) -> ImportLog:
    """Fetch the data sets' values for `periods` (or changed in `last_updated`, e.g. "10d") of the units
    under `roots` from the server, and import them all or nothing."""
    roots = list(roots) or list(OrgUnit.objects.filter(parent=None, dhis2_uid__isnull=False)
                                .values_list("dhis2_uid", flat=True))
    if not roots:
        raise _server_failure(client, user, Dhis2Error(_("Name the DHIS2 org unit to pull (--org-unit): no unit of "
                                                         "the tree here has a DHIS2 UID yet.")))
    records = []
    try:
        for document in client.data_value_sets(data_sets=data_sets, periods=periods, org_units=roots,
                                               last_updated=last_updated, progress=progress):
            records.extend(json_values(document, first_row=len(records) + 1))
    except (Dhis2Error, FileFormatError) as exc:
        raise _server_failure(client, user, exc) from exc
    return import_values(records, source=ImportSource.SERVER, name=client.base_url, user=user, progress=progress)
