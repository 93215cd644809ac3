from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Mandate


@login_required
def client_mandates(request):
    mandates = Mandate.objects.for_client(request.user).select_related("company")
    return render(request, "clients/mandates.html", {"mandates": mandates})
