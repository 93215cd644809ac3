"""Writing notifications. Call ``notification_create`` inside the transaction of the change that causes it."""

from django.db import transaction

from .models import Notification


def notification_create(*, recipient, kind, key, context=None, language="de"):
    """Write one outbox row for (recipient, kind, key) unless it exists; return it, or None if it existed.

    The row commits or rolls back with the caller's change; delivery happens after commit, by workers.
    """
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient, kind=kind, key=key, defaults={"context": context or {}, "language": language}
        )
    return notification if created else None
