"""Signals other apps listen to. ``managers`` sends them; it never imports its listeners.

``profile_changed`` is sent after the transaction that changed a profile has committed, with ``profile_id``:
search indexing and re-matching (in ``mandates``) connect receivers to it.

(Apps add what they hold about a person to the GDPR export by declaring their models with ``manatnet.privacy``.)
"""

import django.dispatch
from django.db import transaction

profile_changed = django.dispatch.Signal()


def send_profile_changed_on_commit(profile):
    from .models import ManagerProfile

    profile_id = profile.id
    transaction.on_commit(lambda: profile_changed.send(sender=ManagerProfile, profile_id=profile_id))
