"""Writes to manager data that span several rows or record lifecycle facts."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ManagerProfile, ManagerStatusChange, PrivacyConsent


@transaction.atomic
def manager_register(*, user, consent_version=None, registered_at=None):
    """Create the profile of a newly signed-up manager and record the privacy consent they gave."""
    now = registered_at or timezone.now()
    profile = ManagerProfile.objects.create(user=user, registered_at=now, status_changed_at=now)
    ManagerStatusChange.objects.create(profile=profile, to_status=ManagerProfile.Status.ACTIVE, at=now)
    PrivacyConsent.objects.create(user=user, version=consent_version or settings.PRIVACY_NOTICE_VERSION, given_at=now)
    return profile


@transaction.atomic
def manager_set_status(*, profile, status, reason="", at=None):
    """Change a manager's status and log the change (the facts time-to-mandate is computed from)."""
    profile = ManagerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status == status:
        return profile
    at = at or timezone.now()
    ManagerStatusChange.objects.create(
        profile=profile, from_status=profile.status, to_status=status, at=at, reason=reason
    )
    profile.status = status
    profile.status_changed_at = at
    profile.left_reason = reason if status == ManagerProfile.Status.LEFT else ""
    profile.save(update_fields=["status", "status_changed_at", "left_reason"])
    return profile
