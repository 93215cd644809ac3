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
from .recipients import recipients_for
from .rendering import shared_lookups
from .services import digest_collect, notification_send

logger = logging.getLogger(__name__)


@contextmanager
def mail_connection(*, keep_open=False):
    """A mail backend connection; closed politely at the end.

    ``keep_open`` opens it at once, so every message sent over it shares one SMTP session (a backend opened by
    its first send closes again after each message). A drain uses one per batch: few enough messages that a
    server's per-session limit is never reached, and a session the server dropped is replaced by the next batch.
    If the server cannot be reached now, each send tries again itself and fails as a transient error.
    """
    connection = get_connection()
    if keep_open:
        try:
            connection.open()
        except OSError as exc:
            logger.warning("Mail server not reachable: %s", exc)
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
    A row that cannot be sent is recorded as failed or skipped and the batch goes on; only a transient error
    (the mail server or the database struggling) ends the drain early, handing the rest of the batch back.
    """
    deadline = time.monotonic() + settings.NOTIFY_DRAIN_BUDGET_SECONDS
    Notification.objects.fail_exhausted()
    sent = 0
    helper_enqueued = False
    with asynchronous_commit():
        while time.monotonic() < deadline:
            batch = Notification.objects.claim_batch(settings.NOTIFY_DRAIN_BATCH)
            if not batch:
                return sent
            if not helper_enqueued and not _eager() and Notification.objects.due().exists():
                helper_enqueued = enqueue(drain_outbox)
            batch_sent, back_off = _send_batch(batch, deadline)
            sent += batch_sent
            if back_off:
                return sent
    if not _eager() and Notification.objects.due().exists():
        enqueue(drain_outbox)
    return sent


def _send_batch(batch, deadline):
    """Send a claimed batch over one SMTP session; returns (mails sent, whether to back off).

    A struggling server (4xx, a dropped connection) would burn an attempt on every waiting row, and a drain past
    its budget would run into its task's time limit: either way the unsent rest is handed back at once."""
    sent = 0
    with shared_lookups(), mail_connection(keep_open=True) as mail:
        recipients = recipients_for([n.recipient_id for n in batch])
        for position, notification in enumerate(batch):
            outcome = notification_send(
                notification=notification, connection=mail, recipient=recipients[notification.recipient_id]
            )
            sent += outcome.state == Notification.State.SENT
            if outcome.retry_in is not None or time.monotonic() > deadline:
                Notification.objects.release(batch[position + 1 :])
                return sent, outcome.retry_in is not None
    return sent, False


def _eager():
    # In-process (embedded) mode one drain sends everything; helpers would only recurse.
    return drain_outbox.app.conf.task_always_eager


@shared_task
def collect_digests():
    """Open the day's digests for recipients whose local morning has come, then send them."""
    if digest_collect():
        enqueue(drain_outbox)
