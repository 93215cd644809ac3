from django.urls import path

from . import views

# Mounted at /client/: the client contact's pages.
urlpatterns = [
    path("", views.client_mandates, name="client_mandates"),
    path("mandates/<int:pk>/", views.client_mandate_detail, name="client_mandate_detail"),
    path("candidates/<int:pk>/", views.client_candidate, name="client_candidate"),
    path("candidates/<int:pk>/feedback/", views.client_feedback, name="client_feedback"),
    path("candidates/<int:pk>/cv/", views.client_candidate_cv, name="client_candidate_cv"),
]

# Mounted at /manager/mandates/: a manager's answers (the dashboard posts here; the consent link opens here).
manager_urlpatterns = [
    path("<int:pk>/respond/", views.manager_mandate_respond, name="manager_mandate_respond"),
    path("consent/<int:pk>/", views.manager_consent_answer, name="manager_consent_answer"),
    path("consent/link/<str:token>/", views.manager_consent_token, name="manager_consent_token"),
]
