from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from pevcoach.accounts.models import ApiToken, Invitation, User
from pevcoach.accounts.services import end_access
from pevcoach.audit import services as audit


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "phone", "org_unit", "job_title", "is_active"]
    list_filter = ["is_active", "is_coach", "is_coachee", "is_manager", "is_org_admin", "job_title", "is_demo"]
    search_fields = ["username", "first_name", "last_name", "phone", "email"]
    autocomplete_fields = ["org_unit"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("PEV Coach"), {"fields": ("phone", "job_title", "language", "org_unit", "is_coach", "is_coachee",
                                     "is_manager", "is_org_admin", "is_demo")}),
    )

    def save_model(self, request, obj, form, change):
        # Edits made here bypass the services: record them in the audit trail all the same.
        before = audit.snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        audit.record_change(obj, before=before, creating=not change)
        if change and before and before.get("is_active") and not obj.is_active:
            end_access(user=obj)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["code", "org_unit", "label", "expires_on", "max_uses"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["key_hash"]
