"""Putting a manager in front of a client: consent first, then the anonymous card, then (by staff) the identity.

The order is held three times: here (every write that shows a candidate to a client checks the consent), in the
database (check constraints on ``Candidacy``) and in what the client can open (``Candidacy.objects
.shown_to_client``). Forms and admin pages have no field for any of these facts; they call these services.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from managers.cv import copy_cv
from manatnet import audit
from notifications.services import notification_create

from .. import consent
from ..models import Candidacy, ConsentRequest, Mandate, PresentationConsent
from . import stages
from .mandates import client_recipients
from .stages import Stage, lock_candidacy, record_mandate_status

# --- Consent ------------------------------------------------------------------------------------------------------


def give_consent(candidacy, *, source, at, request=None):
    """Record that the manager agrees to be presented for this mandate (kept as proof: wording, version, client
    if named). A consent still in force is kept as it is. Returns the fields to save; the caller holds the lock."""
    if candidacy.consent_at is not None:
        return []
    PresentationConsent.objects.create(
        candidacy=candidacy,
        source=source,
        request=request,
        given_at=at,
        client_name=candidacy.mandate.company.name if candidacy.client_revealed_at else "",
        wording_version=consent.WORDING_VERSION,
        wording=consent.wording(),
    )
    candidacy.consent_at = at
    return ["consent_at"]


def withdraw_consent(candidacy, *, at, by):
    """The manager takes their consent back: a candidate in front of the client is withdrawn at once (the client
    keeps only the minimal record). Returns the fields to save, one UPDATE with the stage."""
    if candidacy.consent_at is None:
        return []
    PresentationConsent.objects.filter(candidacy=candidacy, withdrawn_at__isnull=True).update(withdrawn_at=at)
    candidacy.consent_at = None
    fields = ["consent_at"]
    if candidacy.stage in Candidacy.SHOWN_STAGES:
        reason = _("Der Manager hat seine Zustimmung zur Vorstellung widerrufen.")
        fields += stages.record_stage(candidacy, Stage.WITHDRAWN, by, at, reason)
    return fields


@transaction.atomic
def consent_request_send(*, candidacy, by, reveal_client=False):
    """Ask the manager whether they may be presented to this mandate's client, by mail (signed link) and on their
    dashboard. ``reveal_client`` names the client in the request (recorded on the candidacy and in the consent).

    One request is open at a time; an open but expired one is closed as expired and replaced.
    """
    candidacy = lock_candidacy(candidacy)
    if not candidacy.mandate.is_open:
        raise ValidationError(_("Das Mandat ist nicht mehr offen."))
    if candidacy.stage in (*Candidacy.NO_STAGES, Stage.PLACED):
        raise ValidationError(_("Diese Kandidatur ist nicht mehr im Rennen; bitte erst wieder aufnehmen."))
    if candidacy.has_consent:
        raise ValidationError(
            _("%(name)s hat der Vorstellung bereits zugestimmt.") % {"name": candidacy.manager.display_name}
        )
    now = timezone.now()
    pending = ConsentRequest.objects.select_for_update().filter(candidacy=candidacy, closed_at__isnull=True).first()
    if pending is not None and pending.is_open(now):
        raise ValidationError(
            _("Eine Anfrage ist bereits offen (gültig bis %(date)s).")
            % {"date": date_format(timezone.localtime(pending.expires_at), "SHORT_DATE_FORMAT")}
        )
    if pending is not None:
        pending.closed_at, pending.outcome = now, ConsentRequest.Outcome.EXPIRED
        pending.save(update_fields=["closed_at", "outcome"])
    request = ConsentRequest.objects.create(
        candidacy=candidacy,
        reveal_client=reveal_client,
        sent_at=now,
        sent_by=by,
        expires_at=now + timedelta(days=consent.REQUEST_VALID_DAYS),
    )
    if reveal_client and candidacy.client_revealed_at is None:
        candidacy.client_revealed_at = now
        candidacy.save(update_fields=["client_revealed_at", "updated_at"])
    notification_create(
        recipient=candidacy.manager.user,
        kind="consent_request",
        key=f"consent-request:{request.pk}",
        context={"request_id": request.pk, "candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
    )
    return request


# --- Shortlist and release ----------------------------------------------------------------------------------------


def _present(candidacy, *, number, by, at):
    fields = stages.record_stage(candidacy, Stage.PRESENTED, by, at)
    candidacy.presented_at = at
    fields.append("presented_at")
    if candidacy.client_number is None:
        candidacy.client_number = number
        fields.append("client_number")
    if candidacy.client_price is None:
        candidacy.client_price = candidacy.mandate.default_client_price(candidacy.manager)
        fields.append("client_price")
    return fields


@transaction.atomic
def shortlist_send(*, mandate, by):
    """Present every shortlisted candidate to the client as an anonymous card: they are marked presented, the
    mandate is presented, and contacts and managers are notified. Refused while anyone on the shortlist has not
    agreed to be presented for this mandate."""
    mandate = Mandate.objects.select_for_update().select_related("company").get(pk=mandate.pk)
    if not mandate.is_open:
        raise ValidationError(_("Nur für offene Mandate kann eine Shortlist gesendet werden."))
    candidacies = list(
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("manager__user")
        .filter(mandate=mandate, stage=Stage.SHORTLISTED)
    )
    if not candidacies:
        raise ValidationError(_("Auf der Shortlist steht noch niemand (Phase „Auf der Shortlist“)."))
    without = [c.manager.display_name for c in candidacies if not c.has_consent]
    if without:
        raise ValidationError(
            _(
                "Niemand wird ohne Zustimmung vorgestellt. Es fehlt die Zustimmung von: %(names)s. Fragen Sie sie an "
                "oder nehmen Sie diese Kandidaten von der Shortlist."
            )
            % {"names": ", ".join(sorted(without))}
        )
    recipients = client_recipients(mandate)
    if not recipients:
        raise ValidationError(_("Der Kunde hat keinen Ansprechpartner mit Zugang; bitte zuerst einen anlegen."))
    now = timezone.now()
    last = mandate.candidacies.aggregate(last=Max("client_number"))["last"] or 0
    for candidacy in candidacies:
        candidacy.mandate = mandate
        if candidacy.client_number is None:
            last += 1
        candidacy.save(update_fields=_present(candidacy, number=last, by=by, at=now))
    if mandate.status != Mandate.Status.PRESENTED:
        record_mandate_status(mandate, Mandate.Status.PRESENTED, by, now)
    mandate.shortlist_sent_at = now
    mandate.save(update_fields=["status", "shortlist_sent_at"])
    for contact in recipients:
        notification_create(
            recipient=contact.user,
            kind="shortlist_sent",
            key=f"mandate:{mandate.pk}:{now:%Y%m%d%H%M}",
            context={"mandate_id": mandate.pk, "candidacy_ids": [c.pk for c in candidacies]},
        )
    return candidacies


@transaction.atomic
def candidacy_release(*, candidacy, by):
    """Release a presented candidate's identity to the client: name, contact data, employers and the CV as it is
    now. The CV is frozen as a private copy, so later uploads never reach this client; the copy goes when the
    client's access ends.

    If the surrounding transaction rolls back after the copy was written, the copy stays on disk unreferenced; it
    holds nothing the manager's own CV file does not.
    """
    candidacy = lock_candidacy(candidacy)
    if not candidacy.has_consent:
        raise ValidationError(
            _("%(name)s hat der Vorstellung nicht zugestimmt; ohne Zustimmung keine Freigabe.")
            % {"name": candidacy.manager.display_name}
        )
    if not candidacy.is_shown_to_client:
        raise ValidationError(_("Freigeben lässt sich nur, wer dem Kunden gerade vorgestellt ist."))
    if candidacy.released_at is not None:
        raise ValidationError(_("Die Identität ist bereits freigegeben."))
    candidacy.released_at = timezone.now()
    candidacy.released_by = by
    candidacy.released_cv_file = copy_cv(candidacy.manager.cv_file)
    candidacy.released_cv_name = candidacy.manager.cv_original_name if candidacy.released_cv_file else ""
    candidacy.save(update_fields=["released_at", "released_by", "released_cv_file", "released_cv_name", "updated_at"])
    audit.record(
        audit.Action.RELEASED,
        actor=by,
        subject=candidacy.manager.user_id,
        company=candidacy.mandate.company.name,
        target=candidacy,
        at=candidacy.released_at,
    )
    return candidacy
