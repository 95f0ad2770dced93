import re
from urllib.parse import urlsplit

from django.contrib import admin

from core.models import OutboundMessage, OutboundMessageLog

_URL = re.compile(r"https?://[^\s<>\"']+")
# A path segment or query value this long, with a digit in it, is taken for a secret (a
# set-password key, a convocation or calendar-feed token): masking an ordinary long file name
# by mistake costs nothing, showing a key hands over an account.
_SECRET_PART = re.compile(r"(?=[^/?&=#]*\d)[A-Za-z0-9_\-:.%]{16,}")


def redact_links(text: str) -> str:
    """The outbox keeps messages as sent, personal links included; whoever reads them in the
    admin must not be able to follow a set-password link or a convocation link."""

    def redact(match: re.Match) -> str:
        url = match.group(0)
        parts = urlsplit(url)
        if not _SECRET_PART.search(parts.path + "?" + parts.query):
            return url
        return f"{parts.scheme}://{parts.netloc}/… [lien personnel masqué]"

    return _URL.sub(redact, text)


class LogInline(admin.TabularInline):
    model = OutboundMessageLog
    extra = 0
    can_delete = False
    readonly_fields = ("at", "outcome", "detail")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is evidence of what was sent. Bodies are shown with their personal
    links masked, attachments by name only."""

    list_display = ("subject", "to_email", "category", "status", "created_at", "sent_at")
    list_filter = ("status", "category")
    search_fields = ("to_email", "subject", "dedup_key")
    inlines = [LogInline]
    fields = (
        "dedup_key",
        "category",
        "to_email",
        "to_name",
        "subject",
        "text",
        "attachment_names",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description="texte (liens personnels masqués)")
    def text(self, obj: OutboundMessage) -> str:
        return redact_links(obj.body_text)

    @admin.display(description="pièces jointes")
    def attachment_names(self, obj: OutboundMessage) -> str:
        return ", ".join(a.get("filename", "") for a in obj.attachments)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
