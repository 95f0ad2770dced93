from django.contrib import admin

from core.models import OutboundMessage, OutboundMessageLog


class LogInline(admin.TabularInline):
    model = OutboundMessageLog
    extra = 0
    can_delete = False
    readonly_fields = ("at", "outcome", "detail")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "to_email", "category", "status", "created_at", "sent_at")
    list_filter = ("status", "category")
    search_fields = ("to_email", "subject", "dedup_key")
    inlines = [LogInline]
