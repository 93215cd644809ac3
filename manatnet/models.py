"""The audit log: who viewed or downloaded whose personal data, and every release, consent decision, export and
erasure (``manatnet/audit.py`` writes it; docs/security.md, "Audit").

Append-only: the admin offers no change or delete, and on PostgreSQL a trigger (migration 0002) refuses every
UPDATE and DELETE unless the transaction opened the retention job's door (``audit.purge_before``).

Rows name people by account id only, never by name or e-mail: an erased person's rows stay behind as
pseudonymous proof (who accessed "person 42", and that 42 was erased) until their retention period ends, and
erasing needs no UPDATE of this table. ``actor`` and ``subject`` are therefore references without a database
constraint that nothing cascades along.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def about(self, user_id):
        """Entries about a person's data, and those of things the person did (a client's downloads)."""
        return self.filter(Q(subject_id=user_id) | Q(actor_id=user_id))


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        PROFILE_VIEWED = "profile_viewed", _("Profil angesehen")
        CV_DOWNLOADED = "cv_downloaded", _("Lebenslauf heruntergeladen")
        CARD_VIEWED = "card_viewed", _("Freigegebenes Profil angesehen")
        RELEASED = "released", _("Identität für einen Kunden freigegeben")
        CONSENT_GIVEN = "consent_given", _("Zustimmung zur Vorstellung erteilt")
        CONSENT_REFUSED = "consent_refused", _("Vorstellung abgelehnt")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Zustimmung zur Vorstellung widerrufen")
        EXPORTED = "exported", _("Datenauskunft erstellt")
        ERASED = "erased", _("Personenbezogene Daten gelöscht")

    class Role(models.TextChoices):
        STAFF = "staff", _("Mitarbeitende")
        CLIENT = "client", _("Kunde")
        SELF = "self", _("Die Person selbst")
        SYSTEM = "system", _("Automatisch")

    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    action = models.CharField(_("Vorgang"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Wer"),
    )
    actor_role = models.CharField(_("Rolle"), max_length=8, choices=Role.choices)
    # The client company that saw or received the data (a client's download, a release to that client).
    company = models.CharField(_("Kunde"), max_length=160, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Betroffene Person"),
    )
    # What exactly, as "<kind>:<id>" (e.g. "candidacy:42"): ids only, never names.
    target = models.CharField(_("Objekt"), max_length=80, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Audit-Eintrag")
        verbose_name_plural = _("Audit-Log")
        permissions = [
            ("export_personal_data", _("Datenauskunft auf Antrag erstellen")),
            ("erase_personal_data", _("Personenbezogene Daten auf Antrag löschen")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
