from django.contrib import admin

from pevcoach.coaching.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Question,
)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The GROW question bank: admins add, reword, reorder or retire questions."""

    list_display = ["text_fr", "stage", "position", "is_active"]
    list_filter = ["stage", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["text_fr", "text_en"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "template", "position"]
    list_filter = ["template"]
    inlines = [ChecklistItemInline]


class ChecklistSectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 1
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [ChecklistSectionInline]
