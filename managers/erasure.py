"""Erasing a manager: files and personal rows go; an anonymous row keeps time-to-mandate statistics honest."""

from django.db import transaction
from django.utils import timezone

from .cv import delete_cv_file
from .models import ErasedManagerRecord, ManagerProfile


@transaction.atomic
def manager_erase(*, profile, at=None):
    """Delete the manager's account with everything personal: the CV file, the user and all rows hanging off it.

    Deleting the user cascades to the profile, languages, history, status log, consents, candidacies and
    notifications; placements keep the mandate's outcome with the manager set to NULL. Before that, one
    anonymous ``ErasedManagerRecord`` keeps the person in the time-to-mandate statistics.
    """
    at = at or timezone.now()
    profile = ManagerProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    first_placed = (
        profile.status_changes.filter(to_status=ManagerProfile.Status.PLACED)
        .order_by("at")
        .values_list("at", flat=True)
    ).first()
    # The month as the platform counts it (local time), so a registration at 00:30 on the 1st stays in its month.
    registered_month = timezone.localtime(profile.registered_at).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    ErasedManagerRecord.objects.create(registered_at=registered_month, first_placed_at=first_placed, ended_at=at)
    cv_name, user = profile.cv_file, profile.user
    _forget_login_records(user)
    user.delete()
    # The file goes only once the rows are gone for good; a rolled-back erasure keeps a working profile.
    transaction.on_commit(lambda: delete_cv_file(cv_name))


def _forget_login_records(user):
    """django-axes logs logins by e-mail address and IP: personal data that must go with the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
