"""How the outbox handles personal data (``manatnet.privacy``)."""

from datetime import timedelta

from django.conf import settings

from manatnet import privacy

from .models import Notification

privacy.personal(
    Notification,
    about="recipient",
    section="notifications",
    export=privacy.values("kind", "key", "language", "state", "created_at", "sent_at", "last_error"),
    withheld={
        "context": "the ids a mail is rendered from; what it was about is in kind and key",
        "next_attempt_at": "technical: when the outbox tries again",
        "claimed_at": "technical: when a worker took the row",
    },
    retention="RETENTION_NOTIFICATION_DAYS after it was sent, failed or skipped",
)


@privacy.purge("notifications")
def purge_notifications(now):
    notified_before = now - timedelta(days=settings.RETENTION_NOTIFICATION_DAYS)
    finished = [Notification.State.SENT, Notification.State.FAILED, Notification.State.SKIPPED]
    return Notification.objects.filter(created_at__lt=notified_before, state__in=finished).delete()[0]
