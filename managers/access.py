"""The one door to manager data: every view asks here, so authorisation is decided in one place."""

from django.http import Http404

from .models import ManagerProfile


def get_own_profile(user):
    """The signed-in manager's own profile, or 404 for anyone without one (staff and clients included)."""
    try:
        return ManagerProfile.objects.select_related("user").get(user=user)
    except ManagerProfile.DoesNotExist:
        raise Http404 from None
