"""The parts of a person's GDPR export that ``mandates`` holds (declared in ``personal_data.py``): a manager's
candidacies with their consents, consent requests and stage history, their placements; a client contact's own
record.

Built from the manager's presenter, so the export shows exactly what the manager may see: the public title and
summary, the client's name only where it was named to them, the stages and the reason in the words they were
given. The client price, the client's comment and staff's internal notes are not the manager's to read (they
concern the client and the provider; see docs/security.md).
"""

from dataclasses import asdict

from django.db.models import Prefetch

from managers.cv import cv_path

from .models import ConsentRequest, PresentationConsent, StageChange
from .presenters import manager_candidacy_view, manager_mandate_view, manager_status


def _consents(candidacy):
    return [
        {
            "given_at": c.given_at,
            "source": c.source,
            "client_named": c.client_name,
            "wording_version": c.wording_version,
            "wording": c.wording,
            "withdrawn_at": c.withdrawn_at,
        }
        for c in candidacy.consents.all()
    ]


def _consent_requests(candidacy):
    return [
        {
            "sent_at": r.sent_at,
            "client_named": r.reveal_client,
            "expires_at": r.expires_at,
            "answered_at": r.closed_at,
            "outcome": r.outcome,
            "channel": r.channel,
        }
        for r in candidacy.consent_requests.all()
    ]


def _stage_history(candidacy):
    return [
        {
            "at": change.at,
            "from": manager_status(change.from_stage) if change.from_stage else "",
            "to": manager_status(change.to_stage),
        }
        for change in candidacy.stage_changes.all()
    ]


def candidacies_export(rows):
    candidacies = (
        rows.select_related("mandate__function", "mandate__region", "mandate__company")
        .prefetch_related(
            Prefetch("consents", queryset=PresentationConsent.objects.order_by("given_at")),
            Prefetch("consent_requests", queryset=ConsentRequest.objects.order_by("sent_at")),
            Prefetch("stage_changes", queryset=StageChange.objects.order_by("at", "id")),
        )
        .order_by("created_at")
    )
    return [
        {
            **asdict(manager_candidacy_view(candidacy)),
            "consents": _consents(candidacy),
            "consent_requests": _consent_requests(candidacy),
            "stage_history": _stage_history(candidacy),
            "considered_since": candidacy.created_at,
            "client_named_at": candidacy.client_revealed_at,
            "presented_to_client_at": candidacy.presented_at,
            "identity_released_at": candidacy.released_at,
            "released_cv_name": candidacy.released_cv_name,
        }
        for candidacy in candidacies
    ]


def released_cv_files(rows):
    """The copies of their CV that clients received at release."""
    return [
        (f"cv/released/{c.pk}-{c.released_cv_name or 'cv'}", cv_path(c.released_cv_file))
        for c in rows
        if c.released_cv_file
    ]


def placements_export(rows):
    return [
        {
            "mandate": asdict(manager_mandate_view(p.mandate, p.mandate.candidacies.filter(manager=p.manager).first())),
            "placed_at": p.placed_at,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "day_rate": p.manager_day_rate,
        }
        for p in rows.select_related("mandate__function", "mandate__region", "mandate__company", "manager")
    ]


def client_contact_export(rows):
    contact = rows.select_related("company").first()
    if contact is None:
        return None
    return {
        "company": contact.company.name,
        "position": contact.position,
        "phone": contact.phone,
        "email_language": contact.email_language,
        "mandates": list(contact.mandates.values("title", "status", "created_at")),
    }
