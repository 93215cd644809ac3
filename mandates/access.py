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
