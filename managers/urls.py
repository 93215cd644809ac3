from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="manager_dashboard"),
    path("profile/", views.profile_overview, name="manager_profile"),
    path("start/", views.wizard_start, name="manager_wizard_start"),
    path("start/<slug:section>/", views.section_edit, {"wizard": True}, name="manager_wizard"),
    path("profile/history/", views.history_list, name="manager_history"),
    path("profile/history/add/", views.history_add, name="manager_history_add"),
    path("profile/history/<int:pk>/", views.history_edit, name="manager_history_edit"),
    path("profile/history/<int:pk>/delete/", views.history_delete, name="manager_history_delete"),
    path("profile/<slug:section>/", views.section_edit, name="manager_section"),
    path("cv/", views.cv_download, name="manager_cv"),
    path("staff/<uuid:public_id>/cv/", views.cv_download_staff, name="manager_cv_staff"),
    path("status/", views.status_toggle, name="manager_status"),
    path("availability/confirm/", views.availability_confirm_view, name="manager_availability_confirm"),
    path("availability/confirm/<str:token>/", views.availability_token, name="manager_availability_token"),
    path("settings/notifications/", views.notifications, name="manager_notifications"),
    path("privacy/export/", views.data_export, name="manager_export"),
    path("privacy/delete/", views.account_delete, name="manager_delete"),
]
