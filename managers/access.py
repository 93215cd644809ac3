"""The one door to manager data: every view asks here, so authorisation is decided in one place."""

from django.http import Http404

from .models import ManagerProfile


def get_own_profile(user, *, detailed=False):
    """The signed-in manager's own profile, or 404 for anyone without one (staff and clients included).

    ``detailed`` prefetches everything the profile page shows, in a fixed number of queries.
    """
    queryset = ManagerProfile.objects.select_related("user")
    if detailed:
        queryset = queryset.select_related("country", "home_region").prefetch_related(
            "functions", "industries", "skills", "accepted_regions", "language_skills__language", "history"
        )
    try:
        return queryset.get(user=user)
    except ManagerProfile.DoesNotExist:
        raise Http404 from None


def get_profile_for_staff(user, public_id):
    """Any profile, for staff only; everyone else gets 404 so that profile ids reveal nothing."""
    if not (user.is_authenticated and user.is_staff):
        raise Http404
    try:
        return ManagerProfile.objects.select_related("user").get(public_id=public_id)
    except ManagerProfile.DoesNotExist:
        raise Http404 from None


def get_own_history_entry(profile, pk):
    """One of the manager's own mandate-history entries; another manager's id is a 404."""
    try:
        return profile.history.get(pk=pk)
    except profile.history.model.DoesNotExist:
        raise Http404 from None
