"""The notification outbox shared by ``managers`` and ``mandates``.

A notification is written as a row in the same transaction as the change that causes it; workers claim rows with
a conditional UPDATE and send them. The unique constraint on (recipient, kind, key) is what makes "exactly once"
hold across retries, redeliveries and concurrent workers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Pending rows whose next attempt is due."""
        now = now or timezone.now()
        return self.filter(state=Notification.State.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )


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
    last_error = models.TextField(_("Letzter Fehler"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notify_once")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.key})"
