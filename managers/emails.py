"""What ``notifications`` needs from ``managers``: who managers are as recipients, and the mails about profiles.

The recipient source tells the outbox each manager's e-mail language, time zone (their daily digest follows it),
notification settings page and the preferences they switched off. Kinds are declared here with their builders;
their templates are in ``managers/templates/emails/``.
"""

from django.utils.translation import gettext as _

from notifications.kinds import notification_kind
from notifications.recipients import Recipient, recipient_source
from notifications.rendering import Skip, url

from .models import ManagerProfile
from .tokens import availability_confirm_url

# The preference behind "Passende Mandate melden: Keine". Kinds that propose mandates name it as their opt_out.
MATCH_ALERTS = "match_alerts"


@recipient_source(preferences=[MATCH_ALERTS])
def managers(user_ids):
    settings_url = url("manager_notifications")
    profiles = ManagerProfile.objects.filter(user_id__in=user_ids).only(
        "user_id", "email_language", "time_zone", "notify_matches"
    )
    return {
        profile.user_id: Recipient(
            language=profile.email_language,
            time_zone=profile.time_zone,
            settings_url=settings_url,
            opted_out=frozenset({MATCH_ALERTS} if profile.notify_matches == ManagerProfile.Notify.NEVER else ()),
        )
        for profile in profiles
    }


@notification_kind("availability_reminder")
def availability_reminder(notification):
    profile = ManagerProfile.objects.filter(user_id=notification.recipient_id).first()
    if profile is None or profile.status != ManagerProfile.Status.ACTIVE:
        raise Skip(_("Das Profil ist nicht mehr aktiv."))
    confirmed = profile.availability_confirmed_at
    if confirmed and confirmed > notification.created_at and not profile.availability_is_past():
        raise Skip(_("Die Verfügbarkeit wurde inzwischen bestätigt."))
    return {
        "profile": profile,
        "confirm_url": availability_confirm_url(profile),
        "edit_url": url("manager_section", "availability"),
        "is_past": profile.availability_is_past(),
    }
