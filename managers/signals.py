"""Signals other apps listen to. ``managers`` sends them; it never imports its listeners.

``profile_changed`` is sent after the transaction that changed a profile has committed, with ``profile_id``:
search indexing and re-matching (in ``mandates``) connect receivers to it.

(Apps add what they hold about a person to the GDPR export by declaring their models with ``manatnet.privacy``.)

``accounts_in_use`` lets apps whose people get accounts without signing up (client contacts, created by staff) keep
them from being deleted as never-confirmed sign-ups (``retention.py``): a receiver returns a queryset of the user
ids it vouches for (``values("user_id")``), or ``None``.
"""

import django.dispatch
from django.db import transaction

profile_changed = django.dispatch.Signal()
accounts_in_use = django.dispatch.Signal()


def send_profile_changed_on_commit(profile):
    from .models import ManagerProfile

    profile_id = profile.id
    transaction.on_commit(lambda: profile_changed.send(sender=ManagerProfile, profile_id=profile_id))
