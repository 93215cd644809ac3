"""Writes to manager data that span several rows or record lifecycle facts."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from manatnet import limits

from .completeness import record_completion
from .cv import delete_cv_file
from .cv import store_cv as cv_store
from .models import LanguageSkill, ManagerProfile, ManagerStatusChange, MandateHistoryEntry, PrivacyConsent
from .signals import send_profile_changed_on_commit


@transaction.atomic
def manager_register(*, user, consent_version=None, registered_at=None, email_language=None):
    """Create the profile of a newly signed-up manager and record the privacy consent they gave."""
    now = registered_at or timezone.now()
    profile = ManagerProfile.objects.create(
        user=user, registered_at=now, status_changed_at=now, email_language=email_language or "de"
    )
    ManagerStatusChange.objects.create(profile=profile, to_status=ManagerProfile.Status.ACTIVE, at=now)
    PrivacyConsent.objects.create(user=user, version=consent_version or settings.PRIVACY_NOTICE_VERSION, given_at=now)
    send_profile_changed_on_commit(profile)
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
    send_profile_changed_on_commit(profile)
    return profile


# --- Profile editing -------------------------------------------------------------------------------------------
# Every write below ends with ``_changed``: the first time the profile is complete is recorded as a fact, and
# ``profile_changed`` is sent after commit, so re-indexing and re-matching see committed data.


def _changed(profile, at=None):
    record_completion(profile, at)
    send_profile_changed_on_commit(profile)


AVAILABILITY_FIELDS = {"available_from", "days_per_week"}


@transaction.atomic
def profile_update(*, profile, fields=None, relations=None, user_fields=None, at=None):
    """Save one section of a profile: plain ``fields``, many-to-many ``relations`` and the user's name.

    Saving the availability section counts as confirming it: the manager just looked at it.
    """
    fields = dict(fields or {})
    if AVAILABILITY_FIELDS & fields.keys():
        fields["availability_confirmed_at"] = at or timezone.now()
    for name, value in fields.items():
        setattr(profile, name, value)
    if fields:
        limits.clean_only(profile, *fields)
        profile.save(update_fields=list(fields))
    for name, values in (relations or {}).items():
        getattr(profile, name).set(values)
    if user_fields:
        for name, value in user_fields.items():
            setattr(profile.user, name, value)
        profile.user.save(update_fields=list(user_fields))
    _changed(profile, at)
    return profile


@transaction.atomic
def profile_set_languages(*, profile, levels):
    """Replace the manager's languages with ``levels``: ``{Language: CEFR level}``."""
    profile.language_skills.all().delete()
    LanguageSkill.objects.bulk_create(
        [LanguageSkill(profile=profile, language=language, level=level) for language, level in levels.items()]
    )
    _changed(profile)


@transaction.atomic
def history_save(*, profile, entry=None, data):
    """Add a mandate-history entry (``entry`` is None) or change one of this profile's entries."""
    entry = entry or MandateHistoryEntry(profile=profile)
    if entry.profile_id != profile.id:
        raise ValueError("history entry belongs to another profile")
    for name, value in data.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    _changed(profile)
    return entry


@transaction.atomic
def history_remove(*, profile, entry):
    if entry.profile_id != profile.id:
        raise ValueError("history entry belongs to another profile")
    entry.delete()
    _changed(profile)


def cv_replace(*, profile, upload, kind, display_name, at=None):
    """Store a validated CV and point the profile at it; the previous file goes once the change has committed."""
    new_name = cv_store(upload, kind)
    try:
        with transaction.atomic():
            locked = ManagerProfile.objects.select_for_update().get(pk=profile.pk)
            old_name = locked.cv_file
            profile.cv_file = new_name
            profile.cv_original_name = display_name
            profile.cv_uploaded_at = at or timezone.now()
            profile.save(update_fields=["cv_file", "cv_original_name", "cv_uploaded_at"])
            transaction.on_commit(lambda: delete_cv_file(old_name))
            _changed(profile, at)
    except Exception:
        delete_cv_file(new_name)
        raise
    return profile


@transaction.atomic
def cv_remove(*, profile):
    old_name = profile.cv_file
    profile.cv_file = ""
    profile.cv_original_name = ""
    profile.cv_uploaded_at = None
    profile.save(update_fields=["cv_file", "cv_original_name", "cv_uploaded_at"])
    transaction.on_commit(lambda: delete_cv_file(old_name))
    _changed(profile)


@transaction.atomic
def availability_confirm(*, profile, at=None):
    """Record that the manager's availability is still accurate (one click on the dashboard or in a reminder)."""
    profile.availability_confirmed_at = at or timezone.now()
    profile.save(update_fields=["availability_confirmed_at"])
    _changed(profile, at)
    return profile
