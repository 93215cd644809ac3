"""Storage limitation (GDPR Art. 5(1)(e)): personal data that has served its purpose is deleted on a schedule.

The periods are settings (``RETENTION_*``) because they belong in the provider's privacy notice; the defaults are
conservative. Erasing a manager goes through ``manager_erase`` so statistics keep an anonymous row, exactly as
when the manager deletes the account themselves.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from notifications.models import Notification

from .erasure import manager_erase
from .models import ManagerProfile


def unconfirmed_signups(now):
    """Sign-ups whose e-mail was never confirmed: nobody ever used these accounts, they only hold an address."""
    cutoff = now - timedelta(days=settings.RETENTION_UNCONFIRMED_SIGNUP_DAYS)
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, last_login__isnull=True, is_staff=False, client_contact__isnull=True)
        .exclude(Exists(verified))
    )


def retention_apply(*, now=None):
    """Delete what is past its retention period; return how many of each kind went."""
    from axes.models import AccessFailureLog, AccessLog

    now = now or timezone.now()
    counts = {}
    counts["unconfirmed_signups"], _ = unconfirmed_signups(now).delete()

    left_before = now - timedelta(days=settings.RETENTION_LEFT_MANAGER_DAYS)
    gone = ManagerProfile.objects.filter(status=ManagerProfile.Status.LEFT, status_changed_at__lt=left_before)
    counts["left_managers"] = 0
    for profile in gone.iterator():
        manager_erase(profile=profile, at=now)
        counts["left_managers"] += 1

    notified_before = now - timedelta(days=settings.RETENTION_NOTIFICATION_DAYS)
    counts["notifications"], _ = Notification.objects.filter(
        created_at__lt=notified_before,
        state__in=[Notification.State.SENT, Notification.State.FAILED, Notification.State.SKIPPED],
    ).delete()

    logged_before = now - timedelta(days=settings.RETENTION_LOGIN_LOG_DAYS)
    counts["login_logs"] = (
        AccessLog.objects.filter(attempt_time__lt=logged_before).delete()[0]
        + AccessFailureLog.objects.filter(attempt_time__lt=logged_before).delete()[0]
    )
    return counts
