"""The one door to mandates and candidacies for clients and managers.

Every client or manager view fetches its objects here, through querysets filtered by the requesting user, so "who
may see what" is decided in one place. Anything outside a user's scope is a 404, never a 403: a client must not
learn that another company's mandate exists.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from managers.models import ManagerProfile

from .models import Candidacy, Mandate


def client_mandates(user):
    """A client contact's own company's mandates, drafts excluded."""
    return Mandate.objects.for_client(user)


def client_candidacies(user):
    """Candidacies a client contact may see: released ones on their company's mandates, nothing else."""
    return Candidacy.objects.filter(released_at__isnull=False, mandate__in=client_mandates(user))


def get_mandate_for_client(user, pk):
    return get_object_or_404(client_mandates(user).select_related("company"), pk=pk)


def get_candidacy_for_client(user, pk):
    return get_object_or_404(client_candidacies(user).select_related("mandate", "manager"), pk=pk)


def manager_profile_of(user):
    """The user's manager profile, or None (staff and client contacts have none)."""
    try:
        return user.manager_profile
    except (AttributeError, ManagerProfile.DoesNotExist):
        return None


def get_candidacy_for_manager(user, pk):
    return get_object_or_404(Candidacy.objects.filter(manager__user=user).select_related("mandate"), pk=pk)


def get_open_mandate_for_manager(user, pk):
    """An open mandate a manager may answer about. Drafts and closed mandates are out of reach (404)."""
    if manager_profile_of(user) is None:
        raise Http404
    return get_object_or_404(Mandate.objects.open(), pk=pk)


# Below this score a mandate is noise on the dashboard; hard-filter failures never show at all.
PANEL_MIN_SCORE = 30
PANEL_LIMIT = 10


def manager_mandate_panel_data(profile):
    """What a manager's dashboard shows about mandates: only anonymous summaries of open mandates that match,
    their own score and answer, and their placements (three queries plus the matching)."""
    from .search import matching_mandates_for

    matches = matching_mandates_for(profile, min_score=PANEL_MIN_SCORE, limit=PANEL_LIMIT)
    ids = [mandate.pk for mandate, _score in matches]
    mandates = Mandate.objects.select_related("function", "region").in_bulk(ids)
    answers = {c.mandate_id: c for c in Candidacy.objects.filter(manager=profile, mandate_id__in=ids)}
    placements = list(profile.placements.select_related("mandate__function", "mandate__region"))
    return {
        "matches": [
            {"mandate": mandates[mandate.pk], "score": match, "candidacy": answers.get(mandate.pk)}
            for mandate, match in matches
            if mandate.pk in mandates
        ],
        "placements": placements,
    }
