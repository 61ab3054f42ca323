"""python manage.py dhis2_import — org units and data values from DHIS2 files or a DHIS2 server (C5).

    dhis2_import --org-units organisationUnits.json
    dhis2_import --data-values dataValueSets.json --mapping mapping.csv
    dhis2_import --data-values export.csv
    dhis2_import --server https://snis.example.ml --token d2pat_… --org-units --org-unit <UID>
    dhis2_import --server https://snis.example.ml --token d2pat_… --data-set <UID> --period 2025Q3 --org-unit <UID>
    dhis2_import --server … --token … --data-set <UID> --last-updated 10d        # incremental pull
    dhis2_import --refresh-totals          # after units were moved by hand in the org-unit pages
"""

import argparse
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pevcoach.indicators import services
from pevcoach.indicators.dhis2 import Dhis2Client
from pevcoach.indicators.importer import ImportRejected

FROM_SERVER = object()


class ProgressBar:
    """`Checking [#######.............]  35 %  350000/1000000`, redrawn in place at most ten times a second."""

    def __init__(self, stream, width=30):
        self.stream, self.width, self.last, self.drawn, self.stage = stream, width, 0.0, False, None

    def __call__(self, stage, done, total):
        now = time.monotonic()
        if now - self.last < 0.1 and done < total and stage == self.stage:
            return
        self.last, self.drawn, self.stage = now, True, stage
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r{stage:<9} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{100 * done // max(total, 1):3d} %  {done}/{total}", ending="")
        self.stream.flush()

    def finish(self):
        if self.drawn:
            self.stream.write("")
            self.drawn = False


def _read(path):
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None


class Command(BaseCommand):
    help = "Import DHIS2 org units and data values from files or a DHIS2 server, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--org-units", nargs="?", const=FROM_SERVER, metavar="FILE",
                            help="organisationUnits JSON file; without FILE and with --server, pull them.")
        parser.add_argument("--data-values", metavar="FILE", help="dataValueSets JSON (single or bulk) or DHIS2 CSV.")
        parser.add_argument("--mapping", metavar="FILE",
                            help="CSV dhis2_data_element,dhis2_category_option_combo,code mapping a server's UIDs.")
        parser.add_argument("--server", metavar="URL", help="DHIS2 base URL, e.g. https://snis.example.ml")
        parser.add_argument("--token", help="DHIS2 personal access token (d2pat_…).")
        parser.add_argument("--username", help="DHIS2 user for basic authentication (instead of --token).")
        parser.add_argument("--password", help="Password of --username.")
        parser.add_argument("--data-set", action="append", default=[], metavar="UID", help="Data set to pull (repeat).")
        parser.add_argument("--period", action="append", default=[], metavar="PERIOD",
                            help="YYYYMM, YYYYQn or YYYY to pull (repeat).")
        parser.add_argument("--org-unit", action="append", default=[], metavar="UID",
                            help="DHIS2 org unit whose subtree to pull (repeat; default: the roots of the tree here).")
        parser.add_argument("--last-updated", metavar="DURATION",
                            help="Only values changed within this duration, e.g. 10d (DHIS2 lastUpdatedDuration).")
        parser.add_argument("--timeout", type=float, default=getattr(settings, "DHIS2_TIMEOUT", 30.0),
                            help="Seconds to wait for each DHIS2 answer (default 30).")
        parser.add_argument("--retries", type=int, default=getattr(settings, "DHIS2_RETRIES", 3),
                            help="Retries of a request that timed out or met a server error (default 3).")
        parser.add_argument("--refresh-totals", action="store_true",
                            help="Recompute every pre-aggregated total (after the tree was edited by hand).")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="Show a progress bar (default: when the output is a terminal).")

    def handle(self, *args, **options):
        show = options["progress"] if options["progress"] is not None else sys.stderr.isatty()
        self.bar = ProgressBar(self.stderr) if show else None
        server = options["server"]
        org_units, data_values = options["org_units"], options["data_values"]
        if org_units is FROM_SERVER and not server:
            raise CommandError("--org-units needs a FILE, or --server to pull them.")
        if server and not (options["token"] or options["username"]):
            raise CommandError("--server needs --token (or --username and --password).")
        if options["refresh_totals"]:
            services.refresh_totals()
            self.stdout.write(_("Totals recomputed."))
            return
        if not any([org_units, data_values, options["mapping"], server and options["data_set"]]):
            raise CommandError("Nothing to do: give --org-units, --data-values, --mapping or --server with --data-set.")
        try:
            if options["mapping"] and not data_values:
                count = services.load_mapping(data=_read(options["mapping"]))
                self.stdout.write(_("Mapping: %(count)d row(s) stored.") % {"count": count})
            if org_units and org_units is not FROM_SERVER:
                self._report(services.import_org_units(data=_read(org_units), name=Path(org_units).name))
            if data_values:
                mapping = _read(options["mapping"]) if options["mapping"] else None
                self._report(services.import_data_values(data=_read(data_values), name=Path(data_values).name,
                                                         mapping=mapping, progress=self.bar))
            if server:
                self._pull(server, options)
        except ImportRejected as exc:
            if self.bar:
                self.bar.finish()
            raise CommandError(_("Nothing was imported:") + "\n" + "\n".join(exc.errors)) from None

    def _pull(self, server, options):
        with Dhis2Client(server, token=options["token"], username=options["username"], password=options["password"],
                         timeout=options["timeout"], retries=options["retries"]) as client:
            if options["org_units"] is FROM_SERVER:
                self._report(services.pull_org_units(client, roots=options["org_unit"], progress=self.bar))
            if options["data_set"]:
                self._report(services.pull_data_values(
                    client, data_sets=options["data_set"], periods=options["period"], roots=options["org_unit"],
                    last_updated=options["last_updated"], progress=self.bar))

    def _report(self, log):
        if self.bar:
            self.bar.finish()
        self.stdout.write(self.style.SUCCESS(
            _("%(source)s %(name)s: %(rows)d read, %(created)d created, %(updated)d updated, %(deleted)d deleted, "
              "%(unchanged)d unchanged.") % {
                "source": log.get_source_display(), "name": log.name, "rows": log.rows, "created": log.created,
                "updated": log.updated, "deleted": log.deleted, "unchanged": log.unchanged}))
        if log.ignored:
            details = ", ".join(f"{key} ({count})" for key, count in log.ignored_elements.items())
            self.stdout.write(_("Ignored: %(count)d value(s) of %(elements)d data element(s) that are neither PEV "
                                "Coach codes nor mapped: %(details)s.") % {
                "count": log.ignored, "elements": len(log.ignored_elements), "details": details})
