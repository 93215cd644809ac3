"""Opening and closing mandates, and who they are for (their contacts)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manatnet.queue import enqueue_on_commit

from ..matching.jobs import match_mandate
from ..models import Mandate
from .stages import record_mandate_status, withdraw_others


@transaction.atomic
def mandate_open(*, mandate, by):
    """Open a draft mandate: it becomes visible to matching, and the opening time is recorded."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.status != Mandate.Status.DRAFT:
        raise ValidationError(
            _("Nur Entwürfe können eröffnet werden; dieses Mandat ist „%(status)s“.")
            % {"status": mandate.get_status_display()}
        )
    now = timezone.now()
    record_mandate_status(mandate, Mandate.Status.OPEN, by, now)
    mandate.opened_at = now
    mandate.save(update_fields=["status", "opened_at"])
    # Matching hook: after commit, rank and alert (never fails the save if Redis is down; see manatnet/queue.py).
    enqueue_on_commit(match_mandate, mandate.pk)
    return mandate


@transaction.atomic
def mandate_set_status(*, mandate, status, by):
    """Move a mandate to any other status by hand (e.g. lost, cancelled); closing records ``closed_at`` and ends
    every client's access to its candidates."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if status == mandate.status:
        return mandate
    if status == Mandate.Status.DRAFT:
        raise ValidationError(_("Ein eröffnetes Mandat kann nicht wieder zum Entwurf werden."))
    if status == Mandate.Status.WON:
        raise ValidationError(_("„Gewonnen“ entsteht nur durch das Erfassen einer Platzierung."))
    now = timezone.now()
    record_mandate_status(mandate, status, by, now)
    mandate.closed_at = now if status in Mandate.CLOSED_STATUSES else None
    if mandate.opened_at is None:
        mandate.opened_at = now
    mandate.save(update_fields=["status", "closed_at", "opened_at"])
    if status in Mandate.CLOSED_STATUSES:
        # Nobody stays "in the race" for a mandate that is gone; the funnel would count them as still waiting.
        reason = _("Mandat geschlossen: %(status)s") % {"status": mandate.get_status_display()}
        withdraw_others(mandate, exclude_pk=None, by=by, at=now, reason=reason)
    return mandate


def client_recipients(mandate):
    """Who at the client hears about the mandate: its named contacts, or without any, every contact of the company.

    Filtered by company again, so that even a contact who moved to another company since does not get the mail.
    """
    named = list(mandate.contacts.filter(company_id=mandate.company_id).select_related("user"))
    return named or list(mandate.company.contacts.select_related("user"))
