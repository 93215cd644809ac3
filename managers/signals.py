"""Signals other apps listen to. ``managers`` sends them; it never imports its listeners.

``profile_changed`` is sent after the transaction that changed a profile has committed, with ``profile_id``:
search indexing and re-matching (in ``mandates``) connect receivers to it.

``export_requested`` lets apps that hold data about a manager add it to the GDPR export without ``managers``
importing them: a receiver gets ``profile`` and returns ``(section_name, json_serialisable_data)`` or ``None``.
"""

import django.dispatch
from django.db import transaction

profile_changed = django.dispatch.Signal()
export_requested = django.dispatch.Signal()


def send_profile_changed_on_commit(profile):
    from .models import ManagerProfile

    profile_id = profile.id
    transaction.on_commit(lambda: profile_changed.send(sender=ManagerProfile, profile_id=profile_id))
