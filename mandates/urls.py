from django.urls import path

from . import views

urlpatterns = [
    path("", views.client_mandates, name="client_mandates"),
]
