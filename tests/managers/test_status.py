import pytest
from django.urls import reverse

from managers.models import ManagerProfile
from managers.services import manager_set_status


@pytest.mark.django_db
def test_a_manager_pauses_and_resumes_and_both_are_logged(client, manager):
    client.force_login(manager.user)
    response = client.post(reverse("manager_status"), {"action": "pause"}, follow=True)
    assert "Ihr Profil ist pausiert." in response.content.decode()
    manager.refresh_from_db()
    assert manager.status == ManagerProfile.Status.PAUSED
    client.post(reverse("manager_status"), {"action": "resume"})
    manager.refresh_from_db()
    assert manager.status == ManagerProfile.Status.ACTIVE
    assert [(c.from_status, c.to_status) for c in manager.status_changes.all()] == [
        ("", "active"),
        ("active", "paused"),
        ("paused", "active"),
    ]


@pytest.mark.django_db
def test_a_placed_manager_cannot_switch_their_status_themselves(client, manager):
    manager_set_status(profile=manager, status=ManagerProfile.Status.PLACED)
    client.force_login(manager.user)
    client.post(reverse("manager_status"), {"action": "resume"})
    client.post(reverse("manager_status"), {"action": "pause"})
    manager.refresh_from_db()
    assert manager.status == ManagerProfile.Status.PLACED
    assert "Profil pausieren" not in client.get(reverse("manager_dashboard")).content.decode()


@pytest.mark.django_db
def test_status_changes_need_a_post(client, manager):
    client.force_login(manager.user)
    assert client.get(reverse("manager_status")).status_code == 405
