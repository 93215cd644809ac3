"""Storage limitation (GDPR Art. 5(1)(e)) for manager accounts: what has served its purpose is deleted on a
schedule, by the daily retention job (``manatnet.privacy.retention_apply``; every app registers its own purges).

The periods are settings (``RETENTION_*``) because they belong in the provider's privacy notice; the defaults are
conservative. Erasing a manager goes through ``manager_erase`` so statistics keep an anonymous row, exactly as
when the manager deletes the account themselves.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from manatnet import privacy

from .erasure import manager_erase
from .models import ManagerProfile
from .signals import accounts_in_use


def unconfirmed_signups(now):
    """Sign-ups whose e-mail was never confirmed: nobody ever used these accounts, they only hold an address.
    Accounts another app vouches for (``accounts_in_use``, e.g. client contacts) are not sign-ups."""
    cutoff = now - timedelta(days=settings.RETENTION_UNCONFIRMED_SIGNUP_DAYS)
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    signups = (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, last_login__isnull=True, is_staff=False)
        .exclude(Exists(verified))
    )
    for _receiver, user_ids in accounts_in_use.send(sender=ManagerProfile):
        if user_ids is not None:
            signups = signups.exclude(id__in=user_ids)
    return signups


@privacy.purge("unconfirmed_signups")
def purge_unconfirmed_signups(now):
    return unconfirmed_signups(now).delete()[0]


@privacy.purge("left_managers")
def purge_left_managers(now):
    """Managers who left more than RETENTION_LEFT_MANAGER_DAYS ago are erased (an anonymous row stays)."""
    left_before = now - timedelta(days=settings.RETENTION_LEFT_MANAGER_DAYS)
    gone = ManagerProfile.objects.filter(status=ManagerProfile.Status.LEFT, status_changed_at__lt=left_before)
    erased = 0
    for profile in gone.select_related("user").iterator():
        manager_erase(profile=profile, at=now)
        erased += 1
    return erased
