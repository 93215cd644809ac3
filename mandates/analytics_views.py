"""Pages that read mandates/analytics.py: the staff report. (The manager's panel is a template tag.)"""

from django.contrib import admin
from django.shortcuts import render

from manatnet.staff import staff_view

from . import analytics


@staff_view("mandates.view_analytics")
def staff_time_to_mandate(request):
    estimate = analytics.time_to_mandate(use_cache=False)
    rows = [point for point in estimate.curve if point.month in analytics.TABLE_MONTHS]
    context = {**admin.site.each_context(request), "estimate": estimate, "rows": rows, "title": "Time-to-Mandate"}
    return render(request, "admin/time_to_mandate.html", context)
