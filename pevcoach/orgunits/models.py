from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """DHIS2 level numbers as Mali's SNIS uses them (1 = country)."""

    COUNTRY = 1, _("Country")
    REGION = 2, _("Region")
    DISTRICT = 3, _("Health district")
    FACILITY = 4, _("Health centre")


class OrgUnit(models.Model):
    """A node of the health pyramid: country, region, district or CSCom.

    `path` is the materialised chain of ids from the root, like `/1/4/17/`, so a
    whole subtree is one `path__startswith` query on SQLite and PostgreSQL alike.
    It always ends with a slash, so `/1/4/` never matches `/1/40/`.
    """

    name = models.CharField(_("name"), max_length=230)
    code = models.CharField(_("code"), max_length=50, unique=True, null=True, blank=True)
    dhis2_uid = models.CharField(_("DHIS2 UID"), max_length=11, unique=True, null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self):
        return self.name

    @property
    def ancestor_ids(self):
        """Ids from the root down to this unit, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def contains(self, other):
        """True when `other` is this unit or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)

    @property
    def is_facility(self):
        return self.level == Level.FACILITY
