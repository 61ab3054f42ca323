from django.contrib import admin

from pevcoach.indicators.models import DataElement, DataElementMapping, ImportLog


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "kind", "period_type"]
    list_filter = ["kind", "period_type"]
    search_fields = ["code", "name_fr", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # Imported values hang on the code and the period type: change them only on a new element.
        return ["code", "kind", "period_type"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataElementMapping)
class DataElementMappingAdmin(admin.ModelAdmin):
    list_display = ["dhis2_data_element", "dhis2_category_option_combo", "data_element"]
    list_select_related = ["data_element"]
    search_fields = ["dhis2_data_element", "dhis2_category_option_combo", "data_element__code"]


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "name", "status", "user", "rows", "created", "updated", "deleted",
                    "ignored"]
    list_filter = ["status", "source"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return False  # imports happen through the import page or the dhis2_import command

    def has_change_permission(self, request, obj=None):
        return False
