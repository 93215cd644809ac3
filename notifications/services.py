"""Writing and delivering notifications.

Call ``notification_create`` inside the transaction of the change that causes it: the row commits or rolls back
with that change, and a worker is nudged only after the commit. Delivery (``notification_send``) claims nothing
itself: the caller passes a row it claimed with ``Notification.objects.claim``/``claim_batch``.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone

from manatnet.queue import enqueue_on_commit

from .models import Notification
from .rendering import Skip, render

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "de"


def recipient_language(user):
    """The language a person chose for e-mails: as a manager, as a client contact, else German."""
    for relation in ("manager_profile", "client_contact"):
        try:
            return getattr(user, relation).email_language or DEFAULT_LANGUAGE
        except ObjectDoesNotExist:
            continue
    return DEFAULT_LANGUAGE


def recipient_timezone(user):
    """A manager's own time zone when the profile has one, else the platform's (Europe/Berlin)."""
    name = ""
    try:
        name = getattr(user.manager_profile, "time_zone", "") or ""
    except ObjectDoesNotExist:
        pass
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def notification_create(*, recipient, kind, key, context=None, language=None, via_digest=False):
    """Write one outbox row for (recipient, kind, key) unless it exists; return it, or None if it existed.

    The row commits or rolls back with the caller's change; after the commit a worker is nudged to send it at
    once (rows in a daily digest wait for it). If the broker is down the nudge is dropped and the periodic drain
    sends the row.
    """
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                recipient=recipient,
                kind=kind,
                key=key,
                defaults={
                    "context": context or {},
                    "language": language or recipient_language(recipient),
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

    Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
    if any(not n.via_digest for n in notifications):
        enqueue_on_commit(drain_outbox)


def notifications_resend(*, queryset):
    """Put failed or skipped rows back into the outbox (staff's "resend" in the admin); return how many.

    A resent digest alert is detached from its old digest, so it goes out with the manager's next one."""
    ids = list(
        queryset.filter(state__in=[Notification.State.FAILED, Notification.State.SKIPPED]).values_list("id", flat=True)
    )
    count = Notification.objects.filter(id__in=ids).update(
        state=Notification.State.PENDING, attempts=0, next_attempt_at=None, claimed_at=None, digest=None
    )
    if count:
        from .tasks import drain_outbox

        enqueue_on_commit(drain_outbox)
    return count


# --- Digests ---------------------------------------------------------------------------------------------------


def digest_collect(*, now=None):
    """Open today's "match_digest" for every manager with waiting match alerts whose local clock has passed
    ``NOTIFY_DIGEST_HOUR``; attach the waiting alerts to it. One digest per manager and local day (the key is the
    date), so running this every few minutes never produces a second mail; alerts arriving after today's digest
    was opened wait for tomorrow's."""
    now = now or timezone.now()
    recipients = Notification.objects.waiting_for_digest().values_list("recipient_id", flat=True).distinct().order_by()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(id__in=list(recipients)).select_related("manager_profile")
    created = 0
    for user in users:
        local = now.astimezone(recipient_timezone(user))
        if local.hour < settings.NOTIFY_DIGEST_HOUR:
            continue
        with transaction.atomic():
            digest = notification_create(
                recipient=user,
                kind="match_digest",
                key=f"digest:{local.date().isoformat()}",
                context={"date": local.date().isoformat()},
            )
            if digest is None:
                continue
            Notification.objects.waiting_for_digest().filter(recipient=user).update(digest=digest)
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


def notification_send(*, notification, connection):
    """Render and send one claimed row over ``connection``, then record the outcome. Returns an ``Outcome``."""
    try:
        message = render(notification)
    except Skip as skip:
        _finish(notification, state=Notification.State.SKIPPED, last_error=str(skip))
        if notification.kind == "match_digest":
            notification.items.update(state=Notification.State.SKIPPED, last_error=str(skip))
        return Outcome(Notification.State.SKIPPED, error=str(skip))

    message.connection = connection
    try:
        message.send()
    except Exception as exc:  # classify every failure: transient → retry later, anything else → failed
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if is_transient(exc) and notification.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delay = retry_delay(notification.attempts)
            _finish(
                notification,
                state=Notification.State.PENDING,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
                last_error=error,
            )
            logger.info("Notification %s: transient failure, retry in %ss: %s", notification.id, delay, error)
            return Outcome(Notification.State.PENDING, retry_in=delay, error=error)
        _finish(notification, state=Notification.State.FAILED, last_error=error)
        logger.warning("Notification %s failed for good: %s", notification.id, error)
        return Outcome(Notification.State.FAILED, error=error)

    # The window between the server's "250 accepted" and this UPDATE is the only place a mail can be sent twice
    # (docs/reliability.md): nothing else runs in between, and the UPDATE is a single autocommit statement.
    now = timezone.now()
    with transaction.atomic():
        marked = _finish(notification, state=Notification.State.SENT, sent_at=now, last_error="")
        if marked and notification.kind == "match_digest":
            # The digest's alerts are sent with it: marked in the same transaction, never sent on their own.
            notification.items.filter(state=Notification.State.PENDING).update(
                state=Notification.State.SENT, sent_at=now
            )
    if not marked:
        logger.error("Notification %s was sent after its claim expired; it may have been sent twice", notification.id)
    return Outcome(Notification.State.SENT)
