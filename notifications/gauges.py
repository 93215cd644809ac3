"""The outbox's backlog for /metrics and /healthz (``manatnet.metrics.gauge``): how many notifications wait to be
sent and how long the oldest has waited. Rows kept for a daily digest wait on purpose and are not counted."""

from django.utils import timezone

from manatnet.metrics import gauge

from .models import Notification


@gauge("outbox_unsent", "Notifications not sent yet (pending, retrying or being sent), digest items excluded.")
def unsent_count():
    return Notification.objects.unsent().count()


@gauge("outbox_oldest_unsent_age_seconds", "Age in seconds of the oldest notification not sent yet (0: none).")
def oldest_unsent_age_seconds():
    oldest = Notification.objects.unsent().order_by("created_at").values_list("created_at", flat=True).first()
    return 0.0 if oldest is None else round((timezone.now() - oldest).total_seconds(), 1)
