"""The part of a manager's GDPR export that ``mandates`` holds: their candidacies, consents and consent requests.

Built from the manager's presenter, so the export shows exactly what the manager may see: the public title and
summary, the client's name only where it was named to them, the neutral reason they were given. The client price,
the client's comment and staff's internal notes are not the manager's to read (they concern the client and the
provider; see docs/security.md).
"""

from dataclasses import asdict

from django.db.models import Prefetch

from .models import Candidacy, ConsentRequest, PresentationConsent
from .presenters import manager_candidacy_view


def manager_candidacies_export(profile):
    candidacies = (
        Candidacy.objects.filter(manager=profile)
        .select_related("mandate__function", "mandate__region", "mandate__company")
        .prefetch_related(
            Prefetch("consents", queryset=PresentationConsent.objects.order_by("given_at")),
            Prefetch("consent_requests", queryset=ConsentRequest.objects.order_by("sent_at")),
        )
        .order_by("created_at")
    )
    return [
        {
            **asdict(manager_candidacy_view(candidacy)),
            "consents": [
                {
                    "given_at": c.given_at,
                    "source": c.source,
                    "client_named": c.client_name,
                    "wording_version": c.wording_version,
                    "wording": c.wording,
                    "withdrawn_at": c.withdrawn_at,
                }
                for c in candidacy.consents.all()
            ],
            "consent_requests": [
                {
                    "sent_at": r.sent_at,
                    "client_named": r.reveal_client,
                    "expires_at": r.expires_at,
                    "answered_at": r.closed_at,
                    "outcome": r.outcome,
                    "channel": r.channel,
                }
                for r in candidacy.consent_requests.all()
            ],
            "presented_to_client_at": candidacy.presented_at,
            "identity_released_at": candidacy.released_at,
            "released_cv_name": candidacy.released_cv_name,
        }
        for candidacy in candidacies
    ]
