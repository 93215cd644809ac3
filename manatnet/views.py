from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from . import health


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


def privacy(request):
    return render(request, "privacy.html")


@login_required
def dashboard(request):
    """Send each person to their own start page: staff to the admin, clients to their mandates, managers to theirs."""
    user = request.user
    if user.is_staff:
        return redirect("admin:index")
    if hasattr(user, "client_contact"):
        return redirect("client_mandates")
    return redirect("manager_dashboard")


@never_cache
def healthz(request):
    db_ok, db_detail = health.database_ok()
    broker_ok, broker_detail = health.broker_ok()
    status = 200 if db_ok and broker_ok else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "degraded",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=status,
    )
