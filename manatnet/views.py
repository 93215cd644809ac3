import sys

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from . import health, metrics


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
    """Status for everyone (load balancers); what is wrong, with the error text, and the ages of the last beat run
    and of the oldest unsent notification only for staff and for monitoring with the metrics token."""
    db_ok, db_detail = health.database_ok()
    broker_ok, broker_detail = health.broker_ok()
    status = 200 if db_ok and broker_ok else 503
    body = {"status": "ok" if status == 200 else "degraded"}
    if (request.user.is_authenticated and request.user.is_staff) or metrics.bearer_token_ok(request):
        body["database"] = {"ok": db_ok, "detail": db_detail}
        body["broker"] = {"ok": broker_ok, "detail": broker_detail}
        body["figures"] = metrics.gauge_values()
    return JsonResponse(body, status=status)


def server_error(request):
    """``handler500``. A database that is down or restarting is a "try again in a minute" page (503, in the user's
    language), not an error page: it needs nothing from the database, not even the session's user. Every other
    error keeps Django's 500. The error is logged (and sent to Sentry) by Django either way."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("Die Datenbank antwortet gerade nicht. Bitte versuchen Sie es in einer Minute erneut.")},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
