"""Outbox workers. Every task takes ids (or nothing), claims rows with a conditional UPDATE and is harmless to
run twice: redelivery after a worker loss, a beat tick and an on-commit nudge may all reach the same row."""

import logging
import time
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection

from manatnet.queue import enqueue

from .models import Notification
from .rendering import shared_lookups
from .services import digest_collect, notification_send

logger = logging.getLogger(__name__)


@contextmanager
def mail_connection():
    """One SMTP connection for everything a task sends: a drain sends hundreds of mails over it."""
    connection = get_connection()
    try:
        yield connection
    finally:
        try:
            connection.close()
        except Exception:  # a connection the server already dropped cannot be closed politely; nothing is lost
            logger.debug("Closing the mail connection failed", exc_info=True)


@contextmanager
def asynchronous_commit():
    """On PostgreSQL, let this worker's commits return before their WAL reaches the disk while it sends mail.

    Each sent mail is marked by its own commit (the shortest possible window, docs/reliability.md); waiting for an
    fsync per mail would cap a fan-out at the disk's flush rate. What this risks: if the PostgreSQL *server*
    crashes within a fraction of a second after such a commit, the mark is lost and that mail is sent again after
    the lease. A crash of the worker itself loses nothing (the server already has the commit). Rows are still
    claimed before sending, so no mail can be lost this way, only, very rarely, repeated.
    """
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


@shared_task
def deliver(notification_id):
    """Send one row if it is still claimable (the on-commit nudge after it was written)."""
    notification = Notification.objects.claim(notification_id)
    if notification is None:
        return "not claimable"
    with mail_connection() as connection:
        outcome = notification_send(notification=notification, connection=connection)
    if outcome.retry_in is not None:
        # The row is back in the outbox with next_attempt_at set; this delayed nudge just makes the retry punctual
        # (the drain would also pick it up). Its countdown is capped below the broker's visibility timeout.
        enqueue(deliver, notification_id, countdown=outcome.retry_in)
    return outcome.state


@shared_task
def drain_outbox():
    """Send every due row (and every row whose claim went stale), oldest first, within a time budget.

    Runs every minute from beat and after bulk writes. Rows are claimed in small batches; when more are waiting
    it enqueues one successor, so all worker processes share a large fan-out (SKIP LOCKED keeps them apart).
    """
    deadline = time.monotonic() + settings.NOTIFY_DRAIN_BUDGET_SECONDS
    sent = 0
    helper_enqueued = False
    with asynchronous_commit(), mail_connection() as mail:
        while time.monotonic() < deadline:
            batch = Notification.objects.claim_batch(settings.NOTIFY_DRAIN_BATCH)
            if not batch:
                return sent
            if not helper_enqueued and not _eager() and Notification.objects.due().exists():
                helper_enqueued = enqueue(drain_outbox)
            with shared_lookups():
                for position, notification in enumerate(batch):
                    outcome = notification_send(notification=notification, connection=mail)
                    if outcome.retry_in is not None:
                        # The server is struggling (4xx or a dropped connection): stop instead of burning an
                        # attempt on every waiting row; they stay due and the next drain tries again.
                        Notification.objects.release(batch[position + 1 :])
                        return sent
                    sent += outcome.state == Notification.State.SENT
    if not _eager() and Notification.objects.due().exists():
        enqueue(drain_outbox)
    return sent


def _eager():
    # In-process (embedded) mode one drain sends everything; helpers would only recurse.
    return drain_outbox.app.conf.task_always_eager


@shared_task
def collect_digests():
    """Open the day's match digest for managers whose local morning has come, then send them."""
    if digest_collect():
        enqueue(drain_outbox)
