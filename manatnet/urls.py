from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mandates import urls as mandate_urls
from mandates import views as mandate_views
from mandates.analytics import views as analytics_views

from . import metrics, views

admin.site.site_header = "MANATNET"
admin.site.site_title = "MANATNET Admin"
admin.site.index_title = "Verwaltung"

# A database outage is a 503 in the user's language, not a 500 (manatnet/views.py).
handler500 = "manatnet.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", mandate_views.start_page, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("privacy/", views.privacy, name="privacy"),
    path("manager/", include("managers.urls")),
    path("client/", include("mandates.urls")),
    path("manager/mandates/", include(mandate_urls.manager_urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # The admin has no login of its own: allauth's login (lockout, second factor) is the only door.
    path("admin/login/", views.admin_login, name="staff_login"),
    path("admin/analytics/", analytics_views.staff_analytics, name="staff_analytics"),
    path("admin/analytics/<slug:table>.csv", analytics_views.staff_analytics_csv, name="staff_analytics_csv"),
    path("admin/time-to-mandate/", analytics_views.staff_time_to_mandate, name="staff_time_to_mandate"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its settings in a script file of its own (no inline script), from our static files.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
