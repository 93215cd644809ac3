"""What the manager e-mails say (availability reminder): context builders loaded fresh at send time.

Registered with ``notifications.rendering.kind``; templates are ``templates/emails/availability_reminder-*``.
"""

from django.utils.translation import gettext as _

from notifications.rendering import Skip, kind, url

from .models import ManagerProfile
from .tokens import availability_confirm_url


@kind("availability_reminder")
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
        "edit_url": url("manager_section", "/manager/", "availability"),
        "is_past": profile.availability_is_past(),
    }
