"""How the models of ``mandates`` handle personal data (``manatnet.privacy``), and the retention of clients'
comments."""

from datetime import timedelta

from django.conf import settings

from manatnet import privacy

from . import export
from .models import (
    AnalyticsSnapshot,
    Candidacy,
    CandidateIndex,
    ClientCompany,
    ClientContact,
    ConsentRequest,
    IndexChange,
    Mandate,
    MandateLanguage,
    MandateStatusChange,
    Placement,
    PresentationConsent,
    StageChange,
)

ART_15_4 = (
    "written for or by the client about the manager; not in the self-service export, given by staff on a formal "
    "request after weighing the client's rights (GDPR Art. 15(4), docs/security.md)"
)
IN_MANAGER_WORDS = "given in the manager's words (presenters.manager_status)"

privacy.not_personal(ClientCompany, reason="a company, a legal person; its people are declared with ClientContact")
privacy.not_personal(
    Mandate,
    reason="a client company's mandate. People appear only as references: the staff owner (set to empty when the "
    "account goes) and the client's contacts (each link goes with the contact)",
)
privacy.not_personal(MandateLanguage, reason="a language requirement of a mandate")
privacy.not_personal(
    IndexChange,
    reason="which index or mandate row id was written when, nothing of its content; deleted after a day "
    "(mandates.matching.jobs.prune_index_changes)",
)
privacy.not_personal(
    AnalyticsSnapshot,
    reason="provider-wide figures of one day (counts, medians, shares): aggregates, no row is about a person",
)
privacy.not_personal(
    MandateStatusChange,
    reason="the status history of a mandate; it names staff only as who acted (set to empty when the account goes)",
)

privacy.personal(
    ClientContact,
    about="user",
    section="client_contact",
    export=export.client_contact_export,
    retention="as long as the business relationship; erased on request (admin: Kundenkontakte)",
)
privacy.personal(
    Candidacy,
    about="manager__user",
    section="candidacies",
    export=export.candidacies_export,
    files=export.released_cv_files,
    withheld={
        "stage": IN_MANAGER_WORDS,
        "note_for_client": ART_15_4,
        "client_feedback": ART_15_4,
        "client_feedback_at": "when the client commented; " + ART_15_4,
        "updated_at": "technical: when the row last changed",
        "released_cv_file": "the random storage name of the CV copy a client received; the file is in the export",
    },
    retention="with the profile; the client's comment RETENTION_CLIENT_COMMENT_DAYS after the mandate closed",
)
privacy.personal(
    StageChange,
    about="candidacy__manager__user",
    exported_in="candidacies",
    withheld={
        "from_stage": IN_MANAGER_WORDS,
        "to_stage": IN_MANAGER_WORDS,
        "reason": "staff's internal note; " + ART_15_4,
    },
    retention="with the candidacy",
)
privacy.personal(
    ConsentRequest,
    about="candidacy__manager__user",
    exported_in="candidacies",
    withheld={"public_id": "the key of the link in the request mail, of no use once answered"},
    retention="with the candidacy (proof of what was asked)",
)
privacy.personal(
    PresentationConsent,
    about="candidacy__manager__user",
    exported_in="candidacies",
    retention="with the candidacy (proof of consent, GDPR Art. 7(1))",
)
privacy.personal(
    Placement,
    about="manager__user",
    section="placements",
    export=export.placements_export,
    erase=lambda rows, *, user, at: rows.update(manager=None),
    retention="kept for the mandate's record; erasure leaves it without the person",
)
privacy.personal(
    CandidateIndex,
    about="profile__user",
    not_exported="derived from the profile for ranking: holds nothing that is not in the profile section",
    retention="with the profile",
)


@privacy.purge("client_comments")
def purge_client_comments(now):
    """A client's comment on a candidate serves the mandate: it is emptied RETENTION_CLIENT_COMMENT_DAYS after
    the mandate closed (whether the client wanted to meet the person stays, for the funnel)."""
    closed_before = now - timedelta(days=settings.RETENTION_CLIENT_COMMENT_DAYS)
    return (
        Candidacy.objects.filter(mandate__closed_at__lt=closed_before)
        .exclude(client_feedback="")
        .update(client_feedback="")
    )
