"""The staff analytics page and its CSV export: parse the filters, read the cached report, render. Nothing is
computed here (``store.py``); staff need the permission ``mandates.view_analytics``, not only staff status."""

import csv

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from manatnet.staff import staff_view

from ..models import AnalyticsSnapshot
from . import display, funnel, report, risk, store, survival
from .forms import AnalyticsFilterForm

PERMISSION = "mandates.view_analytics"
# The page's sections and the tables in each, in order.
SECTIONS = (
    ("time", ("summary", "curve")),
    ("incidence", ("incidence",)),
    ("cohorts", ("cohorts",)),
    ("segments", ("by_function", "by_industry", "by_rate", "by_region")),
    ("mandates", ("mandate_times", "funnel", "stage_times", "by_owner", "by_client")),
    ("risk", ("risk",)),
    ("trend", ("trend",)),
)


@staff_view(PERMISSION)
def staff_analytics(request):
    form = AnalyticsFilterForm(request.GET or None)
    filters = form.filters()
    result = store.get_report(filters)
    context = {
        **admin.site.each_context(request),
        "title": _("Auswertungen: Zeit bis zum Mandat, Trichter, Service-Level"),
        "is_nav_sidebar_enabled": False,  # wide tables; the admin's index is one click away
        "form": form,
        "filters": filters,
        "report": result,
        "query": request.GET.urlencode(),
        "limits": {
            "observations": survival.MIN_OBSERVATIONS,
            "events": survival.MIN_EVENTS,
            "at_risk": survival.MIN_AT_RISK,
            "mandate_observations": funnel.MIN_OBSERVATIONS,
            "mandate_events": funnel.MIN_EVENTS,
            "window_from": risk.WINDOW_DAYS[0],
            "window_to": risk.WINDOW_DAYS[1],
            "flag_at": risk.FLAG_AT,
            "recent_days": risk.RECENT_DAYS,
            "min_completeness": risk.MIN_COMPLETENESS,
            "rate_gap": risk.RATE_GAP_PCT,
            "absent_days": risk.ABSENT_DAYS,
            "stale_days": risk.STALE_DAYS,
            "page_rows": report.PAGE_ROWS,
        },
    }
    if result is None:
        context["snapshot"] = AnalyticsSnapshot.objects.order_by("-day").first()
    else:
        context["sections"] = [
            (name, [display.page_table(result.tables[key]) for key in keys]) for name, keys in SECTIONS
        ]
    return render(request, "admin/analytics/index.html", context)


@staff_view(PERMISSION)
def staff_analytics_csv(request, table):
    """One table of the page as CSV, with the page's filters and the same figures (all rows)."""
    if table not in display.TITLES:
        raise Http404
    filters = AnalyticsFilterForm(request.GET or None).filters()
    result = store.get_table(filters, table)
    if result is None:
        return HttpResponse(
            _("Die Auswertung wird gerade berechnet. Bitte versuchen Sie es in einer Minute noch einmal."),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "60"},
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="manatnet-{table}-{stamp}.csv"'
    csv.writer(response).writerows(display.csv_rows(result))
    return response


@staff_view(PERMISSION)
def staff_time_to_mandate(request):
    """The former report's address leads to the analytics page."""
    return redirect("staff_analytics")
