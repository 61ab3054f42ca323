from django.contrib import admin

from pevcoach.orgunits.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "dhis2_uid", "parent", "is_demo"]
    list_filter = ["level", "is_demo"]
    search_fields = ["name", "code", "dhis2_uid"]
    readonly_fields = ["path", "parent", "level"]

    def has_add_permission(self, request):
        # New units go through the org-unit pages or an import, which keep paths right.
        return False
