from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from manatnet.staff import permission_method

from .models import Notification
from .services import notifications_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox as staff see it: what went out, what is waiting, what failed and why."""

    list_display = ["kind", "recipient", "key", "state", "attempts", "created_at", "sent_at", "short_error"]
    list_filter = ["state", "kind", ("recipient", admin.RelatedOnlyFieldListFilter), "language", "via_digest"]
    search_fields = ["recipient__email", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [
        "recipient",
        "kind",
        "key",
        "language",
        "context",
        "via_digest",
        "digest",
        "state",
        "created_at",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]

    def has_add_permission(self, request):
        # Rows are written by the services that cause them; a hand-made row would have no context to render.
        return False

    @admin.display(description=_("Fehler / Hinweis"))
    def short_error(self, obj):
        return obj.last_error[:80]

    has_resend_notification_permission = permission_method("notifications.resend_notification")

    @admin.action(description=_("Fehlgeschlagene/übersprungene erneut senden"), permissions=["resend_notification"])
    def resend(self, request, queryset):
        count = notifications_resend(queryset=queryset)
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)d Benachrichtigung wird erneut gesendet.",
                "%(count)d Benachrichtigungen werden erneut gesendet.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped > 0:
            self.message_user(
                request,
                ngettext(
                    "%(count)d Benachrichtigung war nicht fehlgeschlagen oder übersprungen und bleibt unverändert.",
                    "%(count)d Benachrichtigungen waren nicht fehlgeschlagen oder übersprungen und bleiben unverändert.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
