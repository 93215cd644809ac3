"""Erasing a manager: files and personal rows go; an anonymous row keeps time-to-mandate statistics honest."""

from django.db import transaction

from manatnet import privacy

from .cv import delete_cv_file
from .models import ErasedManagerRecord, ManagerProfile, ManagerStatusChange


def manager_erase(*, profile, by=None, at=None):
    """Delete the manager's account with everything personal (``manatnet.privacy.person_erase``): every declared
    row, the CV and its frozen copies, login records and the admin log's mentions of them. ``by`` is the manager,
    the staff member answering their request, or ``None`` for the retention job."""
    privacy.person_erase(user=profile.user, by=by, at=at)


def profile_erase(rows, *, user, at):
    """How erasure treats a profile (declared in ``personal_data.py``): before it goes, one anonymous
    ``ErasedManagerRecord`` keeps the person in the time-to-mandate statistics; the CV file goes once the rows
    are gone for good (a rolled-back erasure keeps a working profile)."""
    for profile in rows.select_for_update():
        first_placed = (
            ManagerStatusChange.objects.filter(profile=profile, to_status=ManagerProfile.Status.PLACED)
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        ErasedManagerRecord.objects.create(
            registered_at=ErasedManagerRecord.month_of(profile.registered_at), first_placed_at=first_placed, ended_at=at
        )
        cv_name = profile.cv_file
        profile.delete()
        transaction.on_commit(lambda name=cv_name: delete_cv_file(name))
