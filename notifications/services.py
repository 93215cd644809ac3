"""Writing and delivering notifications.

Call ``notification_create`` inside the transaction of the change that causes it: the row commits or rolls back
with that change, and a worker is nudged only after the commit. Delivery (``notification_send``) claims nothing
itself: the caller passes a row it claimed with ``Notification.objects.claim``/``claim_batch``.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from manatnet.queue import enqueue_on_commit

from . import kinds
from .models import Notification
from .recipients import recipient_for, recipients_for
from .rendering import Skip, render

logger = logging.getLogger(__name__)


def _check_kind(name, via_digest=False):
    """Refuse a row nobody could ever send: an undeclared kind, or a digest row of a kind that has no digest."""
    kinds.get(name)
    if via_digest and kinds.digest_for(name) is None:
        raise kinds.UnknownKind(f"Für {name!r} ist keine Tageszusammenfassung deklariert.")


def notification_create(*, recipient, kind, key, context=None, language=None, via_digest=False):
    """Write one outbox row for (recipient, kind, key) unless it exists; return it, or None if it existed.

    The row commits or rolls back with the caller's change; after the commit a worker is nudged to send it at
    once (rows in a daily digest wait for it). If the broker is down the nudge is dropped and the periodic drain
    sends the row.
    """
    _check_kind(kind, via_digest)
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                recipient=recipient,
                kind=kind,
                key=key,
                defaults={
                    "context": context or {},
                    "language": language or recipient_for(recipient).language or settings.LANGUAGE_CODE,
                    "via_digest": via_digest,
                },
            )
    except IntegrityError:
        # A concurrent writer inserted the same (recipient, kind, key) between our SELECT and INSERT.
        return None
    if not created:
        return None
    if not via_digest:
        from .tasks import deliver

        enqueue_on_commit(deliver, notification.id)
    return notification


def notifications_create_bulk(notifications):
    """Insert many unsaved ``Notification`` rows at once, skipping those whose (recipient, kind, key) exists,
    then nudge one drain after the commit (fan-out of a mandate to thousands of managers)."""
    from .tasks import drain_outbox

    for name, via_digest in {(n.kind, n.via_digest) for n in notifications}:
        _check_kind(name, via_digest)
    Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
    if any(not n.via_digest for n in notifications):
        enqueue_on_commit(drain_outbox)


def notifications_resend(*, queryset):
    """Put failed or skipped rows back into the outbox (staff's "resend" in the admin); return how many.

    A resent digest row takes the rows that failed with it back along; a resent row that waited for a digest is
    detached from its old one, so it goes out with the recipient's next."""
    ids = list(
        queryset.filter(state__in=[Notification.State.FAILED, Notification.State.SKIPPED]).values_list("id", flat=True)
    )
    retry = {"state": Notification.State.PENDING, "attempts": 0, "next_attempt_at": None, "claimed_at": None}
    with transaction.atomic():
        count = Notification.objects.filter(id__in=ids).update(**retry, digest=None)
        Notification.objects.filter(digest_id__in=ids, state=Notification.State.FAILED).update(**retry)
    if count:
        from .tasks import drain_outbox

        enqueue_on_commit(drain_outbox)
    return count


# --- Digests ---------------------------------------------------------------------------------------------------


def digest_collect(*, now=None):
    """Open today's digest for every recipient with waiting rows whose local clock has passed
    ``NOTIFY_DIGEST_HOUR``, and attach the waiting rows to it. The digest's kind is the one declared with
    ``digest_of`` the waiting rows' kind. One digest per recipient, kind and local day (the key is the date), so
    running this every few minutes never produces a second mail; rows arriving after today's digest was opened
    wait for tomorrow's."""
    now = now or timezone.now()
    waiting = set(Notification.objects.waiting_for_digest().values_list("recipient_id", "kind").distinct().order_by())
    recipients = recipients_for({user_id for user_id, _kind in waiting})
    users = get_user_model().objects.in_bulk(list(recipients))
    created = 0
    for user_id, name in sorted(waiting):
        recipient, digest_kind = recipients[user_id], kinds.digest_for(name)
        local = now.astimezone(recipient.zone())
        if digest_kind is None or user_id not in users or local.hour < settings.NOTIFY_DIGEST_HOUR:
            continue
        with transaction.atomic():
            digest = notification_create(
                recipient=users[user_id],
                kind=digest_kind.name,
                key=f"digest:{local.date().isoformat()}",
                context={"date": local.date().isoformat()},
                language=recipient.language,
            )
            if digest is None:
                continue
            Notification.objects.waiting_for_digest().filter(recipient_id=user_id, kind=name).update(digest=digest)
            created += 1
    return created


# --- Sending ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    state: str
    retry_in: float | None = None
    error: str = ""


def retry_delay(attempts):
    """Exponential backoff: base, 2·base, 4·base … capped. The cap stays below Redis' visibility timeout so a
    delayed retry can never be redelivered as a second copy while it waits."""
    return min(settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.NOTIFY_RETRY_CAP_SECONDS)


def is_transient(exc):
    """4xx answers and broken connections are worth another try; 5xx answers are final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Refused or dropped connections, timeouts and other SMTP protocol errors (all ``OSError``s).
    return isinstance(exc, OSError)


def _finish(notification, **fields):
    """Update a claimed row only while our claim still holds: a worker whose lease ran out must not overwrite
    what the worker that reclaimed the row recorded."""
    return Notification.objects.filter(
        id=notification.id, state=Notification.State.SENDING, claimed_at=notification.claimed_at
    ).update(**fields)


def _mark_sent(notification, at):
    """``_finish(notification, state=SENT, sent_at=at, last_error="")`` as one plain statement: it runs once per
    mail sent, and the ORM spends ten times the CPU of the UPDATE itself building it (docs/performance.md)."""
    ops = connection.ops
    table = ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, sent_at = %s, last_error = '' WHERE id = %s AND state = %s AND claimed_at = %s",  # noqa: S608
            [
                Notification.State.SENT.value,
                ops.adapt_datetimefield_value(at),
                notification.id,
                Notification.State.SENDING.value,
                ops.adapt_datetimefield_value(notification.claimed_at),
            ],
        )
        return cursor.rowcount


def _is_digest(notification):
    try:
        return kinds.get(notification.kind).digest_of is not None
    except kinds.UnknownKind:
        return False


def _close(notification, state, error):
    """Record a final outcome other than "sent"; a digest's rows share it (they were to go out inside it)."""
    with transaction.atomic():
        if _finish(notification, state=state, last_error=error) and _is_digest(notification):
            notification.items.filter(state=Notification.State.PENDING).update(state=state, last_error=error)
    return Outcome(state, error=error)


def _retry_later(notification, error):
    delay = retry_delay(notification.attempts)
    _finish(
        notification,
        state=Notification.State.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=error,
    )
    logger.info("Notification %s: transient failure, retry in %ss: %s", notification.id, delay, error)
    return Outcome(Notification.State.PENDING, retry_in=delay, error=error)


def _describe(exc):
    return f"{type(exc).__name__}: {exc}"[:1000]


def notification_send(*, notification, connection, recipient=None):
    """Render and send one claimed row over ``connection``, then record the outcome. Returns an ``Outcome``.

    Whatever goes wrong is confined to this row. A row that cannot be rendered (its kind is unknown, a template
    is missing, its builder raises) is marked failed with the error and the caller goes on with the next row;
    only a lost database connection or a transient SMTP error asks for a later retry.
    """
    try:
        message = render(notification, recipient or recipient_for(notification.recipient))
    except Skip as skip:
        return _close(notification, Notification.State.SKIPPED, str(skip))
    except (OperationalError, InterfaceError) as exc:  # the database went away mid-render: not this row's fault
        if notification.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            return _retry_later(notification, _describe(exc))
        return _close(notification, Notification.State.FAILED, _describe(exc))
    except Exception as exc:  # a poison row: retrying would fail the same way, and must not hold up the others
        logger.exception("Notification %s cannot be rendered; marked failed", notification.id)
        return _close(notification, Notification.State.FAILED, _describe(exc))

    message.connection = connection
    try:
        message.send()
    except Exception as exc:  # classify every failure: transient → retry later, anything else → failed
        error = _describe(exc)
        if is_transient(exc) and notification.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            return _retry_later(notification, error)
        logger.warning("Notification %s failed for good: %s", notification.id, error)
        return _close(notification, Notification.State.FAILED, error)

    # The window between the server's "250 accepted" and this UPDATE is the only place a mail can be sent twice
    # (docs/reliability.md): nothing else runs in between, and the UPDATE is a single autocommit statement (a
    # digest's rows are marked with it, in one short transaction).
    now = timezone.now()
    if _is_digest(notification):
        with transaction.atomic():
            marked = _mark_sent(notification, now)
            if marked:
                notification.items.filter(state=Notification.State.PENDING).update(
                    state=Notification.State.SENT, sent_at=now
                )
    else:
        marked = _mark_sent(notification, now)
    if not marked:
        logger.error("Notification %s was sent after its claim expired; it may have been sent twice", notification.id)
    return Outcome(Notification.State.SENT)
