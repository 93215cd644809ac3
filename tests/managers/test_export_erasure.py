import io
import json
import zipfile
from datetime import date, datetime

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from managers.erasure import manager_erase
from managers.models import (
    ErasedManagerRecord,
    LanguageSkill,
    ManagerProfile,
    ManagerStatusChange,
    MandateHistoryEntry,
    PrivacyConsent,
)
from managers.services import manager_set_status
from notifications.models import Notification
from tests.factories import PASSWORD
from tests.managers.files import PDF_BYTES, upload


@pytest.fixture
def rich_manager(client, manager):
    """The ``manager`` persona with a CV, a history entry and a notification."""
    client.force_login(manager.user)
    client.post(
        reverse("manager_section", args=["positioning"]),
        {"headline": "Interim CFO", "summary": "Sanierung und Finanzierung", "cv": upload("anna.pdf")},
    )
    MandateHistoryEntry.objects.create(profile=manager, role="CFO", started_on=date(2019, 1, 1), outcome="Exit")
    Notification.objects.create(recipient=manager.user, kind="match", key="mandate:1")
    manager.refresh_from_db()
    return manager


def download(client, password=PASSWORD):
    return client.post(reverse("manager_export"), {"password": password})


@pytest.mark.django_db
def test_the_export_asks_for_the_password_again(client, rich_manager):
    response = download(client, password="falsch")
    assert response.status_code == 200
    assert "Das Passwort ist nicht korrekt." in response.content.decode()


@pytest.mark.django_db
def test_the_export_is_a_zip_with_all_data_and_the_cv(client, rich_manager):
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["cv/anna.pdf", "data.json"]
    assert archive.read("cv/anna.pdf") == PDF_BYTES
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "manager@example.com"
    assert data["account"]["first_name"] == "Anna"
    assert data["profile"]["headline"] == "Interim CFO"
    assert data["profile"]["cv_original_name"] == "anna.pdf"
    assert data["profile"]["time_zone"] == "Europe/Berlin"
    assert data["languages"] == [{"language": "de", "level": "Muttersprache"}]
    assert data["profile"]["functions"] == [] and data["profile"]["phone"] == ""
    assert data["mandate_history"][0]["outcome"] == "Exit"
    assert data["status_changes"][0]["to"] == "active"
    assert data["privacy_consents"][0]["version"]
    assert data["notifications"][0]["key"] == "mandate:1"


@pytest.mark.django_db
def test_deleting_asks_for_password_and_confirmation(client, rich_manager):
    response = client.post(reverse("manager_delete"), {"password": "falsch"})
    html = response.content.decode()
    assert "Das Passwort ist nicht korrekt." in html
    assert "Bitte bestätigen Sie die Löschung." in html
    assert ManagerProfile.objects.filter(pk=rich_manager.pk).exists()


@pytest.mark.django_db
def test_erasure_leaves_no_row_or_file_with_the_persons_data(
    client, rich_manager, other_manager, settings, django_capture_on_commit_callbacks
):
    user_id, profile_id, email = rich_manager.user_id, rich_manager.pk, rich_manager.user.email
    cv = settings.PRIVATE_MEDIA_ROOT / rich_manager.cv_file
    assert cv.is_file()
    AccessLog.objects.create(username=email, ip_address="192.0.2.1", user_agent="test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manager_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not cv.exists()
    assert list((settings.PRIVATE_MEDIA_ROOT / "cv").iterdir()) == []
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not get_user_model().objects.filter(email__iexact=email).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert not ManagerProfile.objects.filter(pk=profile_id).exists()
    for model in (LanguageSkill, MandateHistoryEntry, ManagerStatusChange):
        assert not model.objects.filter(profile_id=profile_id).exists()
    assert not PrivacyConsent.objects.filter(user_id=user_id).exists()
    assert not Notification.objects.filter(recipient_id=user_id).exists()
    assert not AccessLog.objects.filter(username__iexact=email).exists()  # login log kept the address
    # The other manager is untouched, and the session is gone.
    assert ManagerProfile.objects.filter(pk=other_manager.pk).exists()
    assert client.get(reverse("manager_dashboard")).status_code == 302


@pytest.mark.django_db
def test_erasure_keeps_only_an_anonymous_statistics_row(manager):
    manager.registered_at = timezone.make_aware(timezone.datetime(2025, 3, 1, 0, 30))  # still Feb in UTC
    manager.save()
    placed_at = timezone.make_aware(timezone.datetime(2025, 9, 2, 10, 0))
    manager_set_status(profile=manager, status=ManagerProfile.Status.PLACED, at=placed_at)
    manager_erase(profile=manager)
    record = ErasedManagerRecord.objects.get()
    assert timezone.localtime(record.registered_at) == timezone.make_aware(datetime(2025, 3, 1))
    assert record.first_placed_at == placed_at
    values = {f.name: getattr(record, f.name) for f in ErasedManagerRecord._meta.fields}
    assert set(values) == {"id", "registered_at", "first_placed_at", "ended_at"}


@pytest.mark.django_db
def test_erasure_of_a_never_placed_manager_records_a_censored_observation(manager):
    manager_erase(profile=manager)
    record = ErasedManagerRecord.objects.get()
    assert record.first_placed_at is None and record.ended_at is not None


@pytest.mark.django_db
def test_erasure_removes_candidacies_and_keeps_placements_anonymous(manager, other_manager):
    from mandates.models import Candidacy, Placement
    from tests import factories

    open_mandate, won_mandate = factories.mandate(), factories.mandate()
    Candidacy.objects.create(mandate=open_mandate, manager=manager, note_for_client="Sehr erfahren")
    Candidacy.objects.create(mandate=open_mandate, manager=other_manager)
    placement = Placement.objects.create(
        mandate=won_mandate, manager=manager, starts_on=date(2026, 1, 5), manager_day_rate=1300, client_day_rate=1600
    )
    manager_erase(profile=manager)
    assert list(Candidacy.objects.values_list("manager_id", flat=True)) == [other_manager.pk]
    placement.refresh_from_db()
    assert placement.manager_id is None and placement.manager_day_rate == 1300
