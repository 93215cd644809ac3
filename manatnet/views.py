from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from . import health


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


def privacy(request):
    return render(request, "privacy.html")


def admin_login(request):
    """The admin's login page, replaced: a person logs in through allauth (lockout, second factor) and comes back.

    Someone already logged in lands here only without staff rights (the admin sends them to its login page);
    they go to their own start page instead of looping between the two logins.
    """
    if request.user.is_authenticated:
        return redirect("dashboard")
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")


@never_cache
def healthz(request):
    """Status for everyone (load balancers, monitoring); what is wrong, with the error text, only for staff."""
    db_ok, db_detail = health.database_ok()
    broker_ok, broker_detail = health.broker_ok()
    status = 200 if db_ok and broker_ok else 503
    body = {"status": "ok" if status == 200 else "degraded"}
    if request.user.is_authenticated and request.user.is_staff:
        body["database"] = {"ok": db_ok, "detail": db_detail}
        body["broker"] = {"ok": broker_ok, "detail": broker_detail}
    return JsonResponse(body, status=status)
