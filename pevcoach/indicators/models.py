"""Immunization data in long format, its pre-aggregated totals, and the log of imports.

Raw values (`MonthlyValue`, `YearlyValue`) are what DHIS2 or a file said for one org unit.
Totals (`MonthlyTotal`, `MonthlyReporting`, `YearlyTotal`) are derived from them for every
unit of the tree, the way DHIS2's analytics tables are, and refreshed by the import service
right after each import: dashboards and the API read only the totals.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ElementKind(models.TextChoices):
    DOSES = "doses", _("Doses given")
    POPULATION = "population", _("Target population")
    SESSIONS = "sessions", _("Vaccination sessions")
    STOCK = "stock", _("Stock")


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class DataElement(models.Model):
    """One number a facility reports (or a target population), named by our code, e.g. PENTA1."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ElementKind.choices)
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def name(self):
        """The name in the language of the request (French when English is missing)."""
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr

    @property
    def is_yearly(self):
        return self.period_type == PeriodType.YEARLY

    @property
    def is_count(self):
        """Dose, session and stock-out counts are whole numbers; populations may be estimates."""
        return self.kind != ElementKind.POPULATION


class DataElementMapping(models.Model):
    """A DHIS2 server's data element (and optional category option combo) that means one of our codes.

    An empty combo matches values without a combo or with DHIS2's default one.
    """

    dhis2_data_element = models.CharField(_("DHIS2 data element"), max_length=50,
                                          help_text=_("UID or code of the data element on the DHIS2 server."))
    dhis2_category_option_combo = models.CharField(
        _("DHIS2 category option combo"), max_length=50, blank=True,
        help_text=_("UID or code; empty for no combo or the default one."))
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="mappings",
                                     verbose_name=_("data element"))

    class Meta:
        ordering = ["data_element__code", "dhis2_data_element"]
        verbose_name = _("DHIS2 mapping")
        verbose_name_plural = _("DHIS2 mappings")
        constraints = [
            models.UniqueConstraint(fields=["dhis2_data_element", "dhis2_category_option_combo"],
                                    name="indicators_mapping_unique_key"),
        ]

    def __str__(self):
        combo = f"/{self.dhis2_category_option_combo}" if self.dhis2_category_option_combo else ""
        return f"{self.dhis2_data_element}{combo} → {self.data_element.code}"


class MonthlyValue(models.Model):
    """A monthly number of one org unit, e.g. 42 Penta1 doses at CSCom K1 in July 2025."""

    # No index of their own (the unique key's index starts with org_unit) and no foreign-key check in the
    # database: PostgreSQL checks those row by row at commit, a third of a million-value import. The
    # importer resolves every id in its own transaction, and Django cascades or protects deletions.
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False,
                                 db_constraint=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+", db_index=False,
                                     db_constraint=False)
    month = models.PositiveIntegerField(help_text="YYYYMM")
    value = models.FloatField()
    # DHIS2's own lastUpdated, when the source gives it: an older export never overwrites a newer value.
    last_updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "data_element", "month"], name="indicators_monthly_key"),
        ]
        # The refresh of totals after an import reads whole months: without it, every import scans
        # ten years of values (7 s a month at national scale, bench/national.py).
        indexes = [models.Index(fields=["month", "org_unit"], name="indicators_value_month")]

    def __str__(self):
        return f"{self.org_unit_id} {self.data_element_id} {self.month}: {self.value}"


class YearlyValue(models.Model):
    """A yearly target population of one org unit, e.g. 480 surviving infants at K1 in 2025."""

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()
    last_updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "data_element", "year"], name="indicators_yearly_key"),
        ]

    def __str__(self):
        return f"{self.org_unit_id} {self.data_element_id} {self.year}: {self.value}"


class MonthlyTotal(models.Model):
    """Sum of a monthly element over a unit's whole subtree (the unit included) for one month.

    Totals are derived and rebuilt by the import, a million rows at a time: no foreign-key checks
    in the database and no index beyond the unique key (Django still cascades deletions).
    """

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False, db_index=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+",
                                     db_constraint=False, db_index=False)
    month = models.PositiveIntegerField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month", "data_element"], name="indicators_total_key"),
        ]

    def __str__(self):
        return f"Σ {self.org_unit_id} {self.data_element_id} {self.month}: {self.value}"


class MonthlyReporting(models.Model):
    """How many health centres of a unit's subtree reported any dose that month (data completeness)."""

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False, db_index=False)
    month = models.PositiveIntegerField()
    facilities = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month"], name="indicators_reporting_key"),
        ]

    def __str__(self):
        return f"{self.org_unit_id} {self.month}: {self.facilities}"


class YearlyTotal(models.Model):
    """A unit's population for a year by rule C7: its own value, else the sum of its children's."""

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False, db_index=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+",
                                     db_constraint=False, db_index=False)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year", "data_element"], name="indicators_yearly_total_key"),
        ]

    def __str__(self):
        return f"Σ {self.org_unit_id} {self.data_element_id} {self.year}: {self.value}"


class OrgUnitGeometry(models.Model):
    """The DHIS2 GeoJSON geometry of an area (district or region polygon), kept for the gap map.

    Health centres' points go to OrgUnit.latitude/longitude instead.
    """

    org_unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="geometry")
    geometry = models.JSONField()

    class Meta:
        verbose_name = _("org unit geometry")
        verbose_name_plural = _("org unit geometries")

    def __str__(self):
        return f"{self.org_unit} ({self.geometry.get('type', '?')})"


class ImportSource(models.TextChoices):
    ORG_UNITS_FILE = "org_units_file", _("Org units file")
    DATA_VALUES_FILE = "data_values_file", _("Data values file")
    SERVER = "server", _("DHIS2 server")
    DEMO = "demo", _("Demo data")


class ImportStatus(models.TextChoices):
    SUCCESS = "success", _("Imported")
    FAILED = "failed", _("Rejected")


class ImportLog(models.Model):
    """One import, successful or rejected: who, when, from where, what it changed and why it failed."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    # The area an uploader may touch; empty for the whole country (commands, superusers).
    scope = models.ForeignKey("orgunits.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("area"))
    source = models.CharField(_("source"), max_length=20, choices=ImportSource.choices)
    name = models.CharField(_("file or server"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    ignored = models.PositiveIntegerField(_("ignored"), default=0)
    # {"<data element>[/<combo>]": count} of the values skipped because nothing maps them.
    ignored_elements = models.JSONField(_("ignored data elements"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_source_display()} {self.name} ({self.get_status_display()})"

    @property
    def succeeded(self):
        return self.status == ImportStatus.SUCCESS


class FiguresVersion(models.Model):
    """One row whose stamp changes, in the same transaction, with every write that changes a figure:
    values and totals (totals.py), the tree of units and their outlines (signals in apps.py).
    Figures worked out once are cached under this stamp (figures_cache.py). A random stamp rather
    than a counter: a database restored from a backup comes back with the stamp of its own data,
    and no later change can ever reuse a stamp that cached figures of other data."""

    stamp = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("figures version")

    def __str__(self):
        return str(self.stamp)
