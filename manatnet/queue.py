"""Enqueueing Celery tasks without letting the broker decide whether a web request succeeds.

What must happen is always written to the database first (an outbox row, ``Mandate.matched_at`` still NULL);
the task message is only a nudge so it happens *now* rather than at the next periodic drain. So a broker that is
down or hung is logged and otherwise ignored: the periodic jobs in ``CELERY_BEAT_SCHEDULE`` pick the work up once
it is back.
"""

import logging
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failed publish, skip further attempts in this process for a while: a request that opens ten mandates
# while Redis is down should wait for the broker's connect timeout once, not ten times.
BROKER_BACKOFF_SECONDS = 30
_broker_down_until = 0.0


def enqueue(task, *args, countdown=None):
    """Publish ``task(*args)`` now; on a broker failure log it and return False instead of raising."""
    global _broker_down_until
    if settings.CELERY_TASK_ALWAYS_EAGER or task.app.conf.task_always_eager:
        # Embedded mode: the task runs in this process and its errors are real bugs, so they propagate.
        task.apply_async(args=args)
        return True
    if time.monotonic() < _broker_down_until:
        logger.warning("Broker marked down; %s%r left to the periodic drain", task.name, args)
        return False
    try:
        # retry=False: kombu would otherwise retry the publish for many seconds; the drain is our retry.
        task.apply_async(args=args, countdown=countdown, retry=False)
    except Exception as exc:  # connection refused, timeout, OOM on Redis: all mean "not now"
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "Could not enqueue %s%r (%s: %s); the periodic drain will do it", task.name, args, type(exc).__name__, exc
        )
        return False
    return True


def enqueue_on_commit(task, *args):
    """Publish ``task(*args)`` after the current transaction commits (at once outside one); never raises on a
    broker failure. Arguments must be ids: the task loads fresh rows after the commit made them visible."""
    transaction.on_commit(lambda: enqueue(task, *args))


def reset_broker_backoff():
    """Forget an earlier broker failure (tests, or an operator's shell after Redis is back)."""
    global _broker_down_until
    _broker_down_until = 0.0
