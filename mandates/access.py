"""The one door to mandates and candidacies for clients and managers.

Every client or manager view fetches its objects here, through querysets filtered by the requesting user, so "who
may see what" is decided in one place. Anything outside a user's scope is a 404, never a 403: a client must not
learn that another company's mandate exists.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from managers.models import LanguageSkill, ManagerProfile, MandateHistoryEntry

from .models import Candidacy, ConsentRequest, Mandate


def client_mandates(user):
    """A client contact's own company's mandates, drafts excluded."""
    return Mandate.objects.for_client(user)


def client_candidacies(user):
    """Candidacies a client contact may know of: those presented on their company's mandates (as a card while
    shown, else as a minimal record), nothing else."""
    return Candidacy.objects.presented().filter(mandate__in=client_mandates(user))


def client_shown_candidacies(user):
    """Candidacies a client contact may open (card, CV, answer): shown to them right now."""
    return Candidacy.objects.shown_to_client().filter(mandate__in=client_mandates(user))


def with_client_profile(candidacies):
    """Everything ``presenters.client_candidate_view`` reads, in a fixed number of queries."""
    return candidacies.select_related("mandate__company", "manager__user", "manager__home_region").prefetch_related(
        "manager__functions",
        "manager__industries",
        "manager__skills",
        Prefetch("manager__language_skills", queryset=LanguageSkill.objects.select_related("language")),
        Prefetch("manager__history", queryset=MandateHistoryEntry.objects.select_related("industry")),
    )


def get_mandate_for_client(user, pk):
    return get_object_or_404(client_mandates(user).select_related("company"), pk=pk)


def get_candidacy_for_client(user, pk):
    """A candidacy the client may open; withdrawn, declined, placed or on a closed mandate: 404."""
    return get_object_or_404(with_client_profile(client_shown_candidacies(user)), pk=pk)


def manager_profile_of(user):
    """The user's manager profile, or None (staff and client contacts have none)."""
    try:
        return user.manager_profile
    except (AttributeError, ManagerProfile.DoesNotExist):
        return None


def get_candidacy_for_manager(user, pk):
    return get_object_or_404(Candidacy.objects.filter(manager__user=user).select_related("mandate"), pk=pk)


def open_consent_requests():
    """Requests a manager can still answer: unanswered, unexpired, for a candidacy in the race on an open mandate."""
    return ConsentRequest.objects.filter(
        closed_at__isnull=True,
        expires_at__gt=timezone.now(),
        candidacy__mandate__status__in=Mandate.OPEN_STATUSES,
    ).exclude(candidacy__stage__in=[*Candidacy.NO_STAGES, Candidacy.Stage.PLACED])


def get_open_consent_request_for_manager(user, pk):
    """One of the manager's own consent requests that can still be answered; anything else is a 404."""
    return get_object_or_404(open_consent_requests().filter(candidacy__manager__user=user), pk=pk)


def get_open_mandate_for_manager(user, pk):
    """An open mandate a manager may answer about. Drafts and closed mandates are out of reach (404)."""
    if manager_profile_of(user) is None:
        raise Http404
    return get_object_or_404(Mandate.objects.open(), pk=pk)


# Below this score a mandate is noise on the dashboard; hard-filter failures never show at all.
PANEL_MIN_SCORE = 30
PANEL_LIMIT = 10


def manager_mandate_panel_data(profile):
    """What a manager's dashboard shows about mandates, through the manager's presenters: open consent requests,
    matching open mandates with their own score and answer, and their placements (five queries plus matching)."""
    from .consent import wording
    from .matching.reverse import matching_mandates_for
    from .presenters import MANAGER, explanation, manager_mandate_view

    matches = matching_mandates_for(profile, min_score=PANEL_MIN_SCORE, limit=PANEL_LIMIT)
    ids = [mandate.pk for mandate, _score in matches]
    mandates = Mandate.objects.select_related("function", "region", "company").in_bulk(ids)
    answers = {c.mandate_id: c for c in Candidacy.objects.filter(manager=profile, mandate_id__in=ids)}
    requests = (
        open_consent_requests()
        .filter(candidacy__manager=profile)
        .select_related("candidacy__mandate__function", "candidacy__mandate__region", "candidacy__mandate__company")
        .order_by("sent_at")
    )
    placements = list(profile.placements.select_related("mandate__function", "mandate__region", "mandate__company"))
    placed = Candidacy.objects.filter(manager=profile, mandate__in=[p.mandate_id for p in placements])
    placed = {c.mandate_id: c for c in placed}
    return {
        "wording": wording(),
        "requests": [
            {"request": r, "mandate": manager_mandate_view(r.candidacy.mandate, r.candidacy)} for r in requests
        ],
        "matches": [
            {
                "mandate": manager_mandate_view(mandates[mandate.pk], answers.get(mandate.pk)),
                "score": explanation(match, audience=MANAGER),
                "candidacy": answers.get(mandate.pk),
            }
            for mandate, match in matches
            if mandate.pk in mandates
        ],
        "placements": [
            {"mandate": manager_mandate_view(p.mandate, placed.get(p.mandate_id)), "placement": p} for p in placements
        ],
    }
