from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from managers.services import availability_confirm
from managers.signals import profile_changed
from managers.tokens import availability_confirm_url


def token_path(profile, settings):
    url = availability_confirm_url(profile)
    assert url.startswith(settings.SITE_URL + "/")
    return url.removeprefix(settings.SITE_URL)


@pytest.mark.django_db
def test_one_click_confirms_availability_from_the_dashboard(client, manager):
    client.force_login(manager.user)
    response = client.post(reverse("manager_availability_confirm"), follow=True)
    manager.refresh_from_db()
    assert manager.availability_confirmed_at is not None
    html = response.content.decode()
    assert "Ihre Verfügbarkeit ist als aktuell bestätigt." in html
    assert f"Zuletzt bestätigt am {timezone.localdate():%d.%m.%Y}" in html


@pytest.mark.django_db
def test_confirming_needs_a_post(client, manager):
    client.force_login(manager.user)
    assert client.get(reverse("manager_availability_confirm")).status_code == 405


@pytest.mark.django_db
def test_a_past_available_from_date_is_flagged_on_the_dashboard(client, manager):
    manager.available_from = timezone.localdate() - timedelta(days=10)
    manager.save()
    client.force_login(manager.user)
    html = client.get(reverse("manager_dashboard")).content.decode()
    assert "Ihr Verfügbarkeitsdatum liegt in der Vergangenheit. Bitte aktualisieren Sie es." in html


@pytest.mark.django_db
def test_availability_confirm_sends_profile_changed_after_commit(manager, django_capture_on_commit_callbacks):
    received = []
    profile_changed.connect(lambda sender, profile_id, **kw: received.append(profile_id), weak=False, dispatch_uid="t")
    try:
        at = timezone.now() - timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            availability_confirm(profile=manager, at=at)
    finally:
        profile_changed.disconnect(dispatch_uid="t")
    manager.refresh_from_db()
    assert manager.availability_confirmed_at == at
    assert received == [manager.id]


@pytest.mark.django_db
def test_the_mail_link_confirms_without_login_and_only_once(client, manager, settings):
    path = token_path(manager, settings)
    page = client.get(path)
    assert page.status_code == 200
    assert "Ja, stimmt noch" in page.content.decode()
    manager.refresh_from_db()
    assert manager.availability_confirmed_at is None  # a GET (e.g. a mail scanner) confirms nothing
    response = client.post(path)
    assert "Ihre Verfügbarkeit ist als aktuell bestätigt." in response.content.decode()
    manager.refresh_from_db()
    assert manager.availability_confirmed_at is not None
    again = client.post(path)
    assert "Dieser Link wurde bereits verwendet." in again.content.decode()


@pytest.mark.django_db
def test_an_expired_link_says_so(client, manager, settings):
    with time_machine.travel(timezone.now() - timedelta(days=15)):
        path = token_path(manager, settings)
    response = client.post(path)
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen." in response.content.decode()
    manager.refresh_from_db()
    assert manager.availability_confirmed_at is None


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client, manager, other_manager, settings):
    path = token_path(manager, settings)
    response = client.post(path[:-3] + ("abc" if not path.endswith("abc/") else "xyz") + "/")
    assert response.status_code == 400
    assert "Dieser Link ist ungültig." in response.content.decode()
