from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import get_own_profile


@login_required
def dashboard(request):
    profile = get_own_profile(request.user)
    return render(request, "managers/dashboard.html", {"profile": profile})
