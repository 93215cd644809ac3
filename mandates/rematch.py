"""Re-matching a manager after their profile changed: a receiver of ``managers.signals.profile_changed``.

``managers`` sends the signal after the profile's transaction committed. The receiver enqueues the task (ids
only); when the broker is down it re-matches right here instead: one profile against the open mandates is a few
milliseconds (docs/performance.md), and there is no later moment that would know this profile changed.
"""

import logging

from manatnet.queue import enqueue

logger = logging.getLogger(__name__)


def enqueue_rematch(sender, profile_id, **kwargs):
    from .tasks import profile_rematch, rematch_profile

    if not enqueue(rematch_profile, profile_id):
        profile_rematch(profile_id=profile_id)
