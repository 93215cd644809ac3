"""The notification outbox: every e-mail the platform sends is a row here first.

A notification is written as a row in the same transaction as the change that causes it; workers claim rows with
a conditional UPDATE and send them. The unique constraint on (recipient, kind, key) is what makes "exactly once"
hold across retries, redeliveries and concurrent workers.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manatnet import limits


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Pending rows whose next attempt is due and that go out on their own (not inside a daily digest)."""
        now = now or timezone.now()
        return self.filter(state=Notification.State.PENDING, via_digest=False).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def stale(self, now=None):
        """Rows claimed by a worker that did not finish within the lease (killed, or its host lost)."""
        now = now or timezone.now()
        return self.filter(state=Notification.State.SENDING, claimed_at__lt=now - lease())

    def claimable(self, now=None):
        """Due or stale rows with attempts left. The cap is part of every claim, so a row that keeps failing
        (or keeps killing its worker) is never taken again once it used ``NOTIFY_MAX_ATTEMPTS``."""
        now = now or timezone.now()
        return (self.due(now) | self.stale(now)).filter(attempts__lt=settings.NOTIFY_MAX_ATTEMPTS)

    def exhausted(self, now=None):
        """Rows no claim will take any more: their attempts are used up, yet they are not finished (the last
        attempt's worker died before recording an outcome)."""
        now = now or timezone.now()
        return (self.due(now) | self.stale(now)).filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS)

    def fail_exhausted(self, now=None):
        """Mark exhausted rows failed, keeping the last error seen; returns how many."""
        note = gettext("Aufgegeben nach %(attempts)d Versuchen; der letzte wurde nicht beendet.") % {
            "attempts": settings.NOTIFY_MAX_ATTEMPTS
        }
        return self.exhausted(now).update(
            state=Notification.State.FAILED,
            last_error=Left(
                Concat(Value(note + " "), F("last_error")), Notification._meta.get_field("last_error").max_length
            ),
        )

    def unsent(self):
        """Rows still to go out on their own: pending (due or waiting for a retry) or being sent."""
        return self.filter(Q(state=Notification.State.PENDING, via_digest=False) | Q(state=Notification.State.SENDING))

    def waiting_for_digest(self):
        return self.filter(state=Notification.State.PENDING, via_digest=True, digest__isnull=True)

    def with_recipient(self):
        return self.select_related("recipient")

    def claim(self, notification_id):
        """Claim one row for sending: a conditional UPDATE, so of two workers (or a retry and a redelivery) only
        one changes the row; the other gets None and does nothing."""
        now = timezone.now()
        changed = (
            self.claimable(now)
            .filter(id=notification_id)
            .update(state=Notification.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
        if not changed:
            return None
        return self.with_recipient().get(id=notification_id)

    def claim_batch(self, limit):
        """Claim up to ``limit`` of the oldest due rows (else stale ones) for one worker; [] when none is left.

        ``SKIP LOCKED`` lets several draining workers take disjoint batches side by side on PostgreSQL; the UPDATE
        is still conditional, so correctness never depends on the lock (SQLite has none, and serialises writers).
        Due and stale rows are asked separately so each query runs along its own index.
        """
        now = timezone.now()
        for candidates in (self.due(now), self.stale(now)):
            with transaction.atomic():
                ids = list(
                    candidates.filter(attempts__lt=settings.NOTIFY_MAX_ATTEMPTS)
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("id")
                    .values_list("id", flat=True)[:limit]
                )
                if not ids:
                    continue
                self.claimable(now).filter(id__in=ids).update(
                    state=Notification.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
                )
            claimed = list(
                self.with_recipient()
                .filter(id__in=ids, state=Notification.State.SENDING, claimed_at=now)
                .order_by("id")
            )
            if claimed:
                return claimed
        return []

    def release(self, notifications):
        """Hand claimed but unsent rows back at once (a drain stopping early), without counting an attempt."""
        for claimed_at in {n.claimed_at for n in notifications}:
            self.filter(
                id__in=[n.id for n in notifications if n.claimed_at == claimed_at],
                state=Notification.State.SENDING,
                claimed_at=claimed_at,
            ).update(state=Notification.State.PENDING, attempts=F("attempts") - 1)


def lease():
    """How long a claim protects a row. Longer than any single send (SMTP timeout plus rendering), far shorter
    than Redis' visibility timeout, so a killed worker's row is sent by the next drain after restart."""
    return timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Ausstehend")
        SENDING = "sending", _("Wird gesendet")
        SENT = "sent", _("Gesendet")
        FAILED = "failed", _("Fehlgeschlagen")
        SKIPPED = "skipped", _("Übersprungen")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("Art"), max_length=40)
    # What the notification is about, e.g. "mandate:42" or "digest:2026-11-27": one row per recipient, kind and key.
    key = models.CharField(_("Schlüssel"), max_length=80)
    language = models.CharField(max_length=2, default="de")
    context = models.JSONField(default=dict, blank=True)

    state = models.CharField(_("Status"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("Gesendet am"), null=True, blank=True)
    last_error = limits.bounded_text(_("Letzter Fehler / Hinweis"), max_length=1000, blank=True)
    # Rows waiting for the recipient's daily digest (``Kind.digest_of``): never sent on their own, but attached to
    # that day's digest row and marked sent in the same transaction as it.
    via_digest = models.BooleanField(_("Per Tageszusammenfassung"), default=False)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("Zusammenfassung"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notify_once")]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["state", "claimed_at"], name="notify_stale_claims"),
            # The drain's "oldest due row first": without it every claim re-scans the rows already sent.
            models.Index(fields=["id"], name="notify_due", condition=Q(state="pending", via_digest=False)),
        ]
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        permissions = [("resend_notification", _("Benachrichtigungen erneut senden"))]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.key})"

    @property
    def message_id(self):
        """Stable Message-ID: should the rare double delivery happen (see docs/reliability.md), mail clients and
        servers that de-duplicate on it show the message once."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "manatnet.example"
        return f"<notification-{self.pk}-{self.kind}@{domain}>"
