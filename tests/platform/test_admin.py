import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_staff_can_open_every_domain_model_in_admin(client, staff):
    from django.core.management import call_command

    call_command("seed_demo", managers=3, mandates=2, verbosity=0)
    factories.login_with_totp(client, staff)
    for model in admin.site._registry:
        if model._meta.app_label not in {"managers", "mandates", "notifications"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


@pytest.mark.django_db
def test_every_domain_model_is_visible_in_admin():
    from django.apps import apps

    registered = set(admin.site._registry)
    registered |= {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    for label in ["managers", "mandates", "notifications"]:
        for model in apps.get_app_config(label).get_models():
            assert model in registered, model


@pytest.mark.django_db
def test_non_staff_cannot_open_admin(client, manager):
    client.force_login(manager.user)
    response = client.get(reverse("admin:mandates_mandate_changelist"))
    assert response.status_code == 302
