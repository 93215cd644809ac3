from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "key", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["recipient__email", "key"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "kind",
        "key",
        "language",
        "context",
        "created_at",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
