"""Periodic work on manager profiles: reminding managers to keep their availability current."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create_bulk

from .models import ManagerProfile

REMINDER_AFTER_DAYS = 60


def availability_reminders_create(*, now=None):
    """Write one "availability_reminder" per active manager whose availability is unconfirmed for 60 days or whose
    available-from date has passed. The key is the month, so a manager hears it at most once a month however
    often this runs; the mail itself carries the one-click "still accurate" link (managers.tokens)."""
    now = now or timezone.now()
    month = timezone.localtime(now).strftime("%Y-%m")
    cutoff, today = now - timedelta(days=REMINDER_AFTER_DAYS), timezone.localdate(now)
    # A manager who registered last week never confirmed anything yet, but their data is fresh: count from
    # registration, unless the available-from date has already passed.
    just_registered = (
        Q(availability_confirmed_at__isnull=True)
        & Q(registered_at__gte=cutoff)
        & (Q(available_from__isnull=True) | Q(available_from__gte=today))
    )
    profiles = (
        ManagerProfile.objects.stale_availability(days=REMINDER_AFTER_DAYS)
        .exclude(just_registered)
        .select_related("user")
    )
    rows = [
        Notification(
            recipient=profile.user,
            kind="availability_reminder",
            key=f"availability:{month}",
            language=profile.email_language,
            context={"profile_id": profile.id},
        )
        for profile in profiles.iterator(chunk_size=1000)
    ]
    with transaction.atomic():
        notifications_create_bulk(rows)
    return len(rows)


@shared_task
def send_availability_reminders():
    return availability_reminders_create()
