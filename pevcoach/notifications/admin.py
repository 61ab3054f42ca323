from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pevcoach.notifications import services
from pevcoach.notifications.models import Delivery, Notification, Preferences, ScheduledRun, SmsQuota


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "address", "status", "attempts", "next_try_at", "last_error", "sent_at"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "is_practice"]
    list_filter = ["kind", "is_practice"]
    search_fields = ["title", "recipient__username", "recipient__last_name"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["code", "object_id", "occasion", "created_at"]
    inlines = [DeliveryInline]


@admin.action(description=_("Send again now"))
def send_again(modeladmin, request, queryset):
    for delivery in queryset:
        try:
            services.retry_delivery(by=request.user, delivery=delivery)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{delivery}: {' '.join(exc.messages)}", messages.WARNING)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox: what left, what waits (and until when), what failed and why."""

    list_display = ["notification", "channel", "address", "status", "attempts", "next_try_at", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["address", "notification__title"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = [send_again]

    def has_add_permission(self, request):
        return False


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "quiet_start", "quiet_end"]
    raw_id_fields = ["user"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["job", "slot", "claimed_at", "started_at", "finished_at", "result", "error"]
    list_filter = ["job"]
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]


@admin.register(SmsQuota)
class SmsQuotaAdmin(admin.ModelAdmin):
    list_display = ["day", "scope", "used"]
    list_filter = ["day"]
