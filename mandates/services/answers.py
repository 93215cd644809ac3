"""Answers from managers (interested or not, consent requests) and from clients (meet this candidate or not).

A manager's "interested" is also their consent to be presented for that mandate; "not for me" withdraws it. A
client's comment is for staff only: it is stored on the candidacy and shown in the admin, never in the stage log
and never sent to the manager.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manatnet import audit, limits
from notifications.services import notification_create

from ..models import Candidacy, ConsentRequest, Mandate, PresentationConsent
from . import stages
from .candidacies import candidacy_add, compute_score
from .presentation import give_consent, withdraw_consent
from .stages import Stage, lock_candidacy

Source = PresentationConsent.Source


def _close_open_requests(candidacy, *, interested, at):
    """A manager who answers on their own has answered any consent request still open for the same mandate."""
    outcome = ConsentRequest.Outcome.AGREED if interested else ConsentRequest.Outcome.REFUSED
    ConsentRequest.objects.filter(candidacy=candidacy, closed_at__isnull=True).update(
        closed_at=at, outcome=outcome, channel=ConsentRequest.Channel.APP
    )


def _record_answer(candidacy, *, interested, reason, at, source, request=None):
    """Store the manager's answer and its consequence for consent; notify the owner of a "yes". The caller holds
    the candidacy's lock; returns nothing, saves once."""
    if request is None:
        _close_open_requests(candidacy, interested=interested, at=at)
    candidacy.manager_response = Candidacy.Response.INTERESTED if interested else Candidacy.Response.NOT_INTERESTED
    candidacy.manager_response_reason = "" if interested else reason[:200]
    candidacy.responded_at = at
    fields = ["manager_response", "manager_response_reason", "responded_at", "updated_at"]
    user = candidacy.manager.user
    had_consent = candidacy.has_consent
    if interested:
        fields += give_consent(candidacy, source=source, at=at, request=request)
        if candidacy.stage in (Stage.PROPOSED, Stage.CONTACTED):
            fields += stages.record_stage(candidacy, Stage.INTERESTED, user, at)
    else:
        fields += withdraw_consent(candidacy, at=at, by=user)
    candidacy.save(update_fields=list(dict.fromkeys(fields)))
    _audit_consent(candidacy, user, interested=interested, had_consent=had_consent, at=at)
    owner = candidacy.mandate.owner
    if interested and owner is not None:
        notification_create(
            recipient=owner,
            kind="manager_interested",
            key=f"candidacy:{candidacy.pk}",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )


def _audit_consent(candidacy, user, *, interested, had_consent, at):
    """A "yes" that gave consent, a "no" that withdrew it, or a "no" to being presented at all."""
    if interested:
        if had_consent:
            return  # a repeated "yes": the consent in force stays as it was
        action = audit.Action.CONSENT_GIVEN
    else:
        action = audit.Action.CONSENT_WITHDRAWN if had_consent else audit.Action.CONSENT_REFUSED
    audit.record(action, actor=user, subject=user, target=candidacy, at=at)


@transaction.atomic
def manager_respond(*, interested, reason="", candidacy=None, mandate=None, profile=None):
    """A manager says "I'm interested" (and so agrees to be presented for this mandate) or "not for me (reason)"
    about an open mandate; the answer can be changed, and "not for me" withdraws the consent.

    Either ``candidacy`` or ``mandate`` + ``profile``: answering a mandate nobody suggested yet creates the candidacy.
    """
    reason = (reason or "").strip()
    if not interested and not reason:
        raise ValidationError(_("Bitte nennen Sie kurz den Grund, warum das Mandat nicht passt."))
    if candidacy is None:
        mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if not mandate.is_open:
            raise ValidationError(_("Dieses Mandat ist nicht mehr offen."))
        candidacy = Candidacy.objects.filter(mandate=mandate, manager=profile).first()
        if candidacy is None:
            match = compute_score(mandate, profile)
            if match.excluded:
                # Only mandates shown on the dashboard can be answered; a hard-filter failure is never shown.
                raise ValidationError(_("Dieses Mandat passt nicht zu Ihrem Profil."))
            candidacy = candidacy_add(mandate=mandate, manager=profile, by=None, score=match)
    candidacy = lock_candidacy(candidacy)
    if not candidacy.mandate.is_open:
        raise ValidationError(_("Dieses Mandat ist nicht mehr offen."))
    _record_answer(candidacy, interested=interested, reason=reason, at=timezone.now(), source=Source.INTERESTED)
    return candidacy


@transaction.atomic
def consent_answer(*, request, agreed, channel, reason=""):
    """The manager answers a consent request, in the app or through the mail link (``channel``); the request is
    closed either way, which makes its link single-use."""
    request = ConsentRequest.objects.select_for_update().get(pk=request.pk)
    now = timezone.now()
    if request.closed_at is not None:
        raise ValidationError(_("Diese Anfrage ist bereits beantwortet."))
    if request.expires_at <= now:
        raise ValidationError(
            _("Diese Anfrage ist abgelaufen. Sie können trotzdem jederzeit in Ihrer Übersicht antworten.")
        )
    candidacy = lock_candidacy(request.candidacy)
    if not candidacy.mandate.is_open:
        raise ValidationError(_("Dieses Mandat ist nicht mehr offen."))
    request.closed_at = now
    request.outcome = ConsentRequest.Outcome.AGREED if agreed else ConsentRequest.Outcome.REFUSED
    request.channel = channel
    request.save(update_fields=["closed_at", "outcome", "channel"])
    source = Source.REQUEST_LINK if channel == ConsentRequest.Channel.LINK else Source.REQUEST_APP
    reason = (reason or "").strip() or _("Zustimmungsanfrage abgelehnt")
    _record_answer(candidacy, interested=agreed, reason=reason, at=now, source=source, request=request)
    return request


@transaction.atomic
def client_feedback(*, candidacy, user, wants_meeting, comment=""):
    """A client contact says whether they want to meet a presented candidate; "no" needs a short comment.

    "Yes" moves the candidate to the interview stage; "no" leaves them presented (back from the interview stage)
    until staff decide and choose what the manager is told. The comment is for staff; the owner is told.
    """
    comment = (comment or "").strip()
    if not wants_meeting and not comment:
        raise ValidationError(_("Bitte sagen Sie uns kurz, warum Sie diese Person nicht kennenlernen möchten."))
    candidacy = lock_candidacy(candidacy)
    if not candidacy.is_shown_to_client:  # the client answers while the candidate is in front of them
        raise ValidationError(_("Zu dieser Person ist keine Rückmeldung mehr möglich."))
    now = timezone.now()
    candidacy.client_wants_meeting = wants_meeting
    candidacy.client_feedback = comment
    limits.clean_only(candidacy, "client_feedback")
    candidacy.client_feedback_at = now
    fields = ["client_wants_meeting", "client_feedback", "client_feedback_at", "updated_at"]
    target = Stage.INTERVIEW if wants_meeting else Stage.PRESENTED
    if candidacy.stage != target:
        fields += stages.record_stage(candidacy, target, user, now)
    candidacy.save(update_fields=list(dict.fromkeys(fields)))
    owner = candidacy.mandate.owner
    if owner is not None:
        notification_create(
            recipient=owner,
            kind="client_feedback",
            key=f"candidacy:{candidacy.pk}:feedback",
            context={"candidacy_id": candidacy.pk, "mandate_id": candidacy.mandate_id},
        )
    return candidacy
