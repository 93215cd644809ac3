"""The client's access to a candidate ends with the candidacy or the mandate: a minimal record stays, the profile
and the frozen CV go (404, and the copy is deleted)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from managers.erasure import manager_erase
from mandates import services
from mandates.models import Candidacy, DeclineReason, Mandate
from tests import factories

Stage = Candidacy.Stage


@pytest.fixture
def mandate(client_contact, staff):
    return factories.mandate(client_contact.company, owner=staff, title="CFO Werk Nord")


@pytest.fixture
def released(mandate, manager, staff):
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "cv" / "original.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 original")
    manager.cv_file, manager.cv_original_name = "cv/original.pdf", "Berger_CV.pdf"
    manager.headline = "Sanierungs-CFO Maschinenbau"
    manager.save()
    candidacy = factories.released(mandate, manager, staff)
    assert candidacy.released_cv_file and candidacy.released_cv_file != manager.cv_file
    return candidacy


def copy_path(candidacy):
    return Path(settings.PRIVATE_MEDIA_ROOT) / candidacy.released_cv_file


def urls(candidacy):
    return reverse("client_candidate", args=[candidacy.pk]), reverse("client_candidate_cv", args=[candidacy.pk])


def end_by_withdrawal(candidacy, staff, other):
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="Nicht mehr verfügbar")
    return "Nicht mehr im Auswahlprozess"


def end_by_decline(candidacy, staff, other):
    services.candidacy_move(
        candidacy=candidacy,
        to_stage=Stage.DECLINED,
        by=staff,
        reason="Kunde will Branchenerfahrung",
        manager_reason=DeclineReason.INDUSTRY,
    )
    return "Abgesagt"


def end_by_placing_another(candidacy, staff, other):
    rival = services.candidacy_add(mandate=candidacy.mandate, manager=other, by=staff)
    services.placement_record(candidacy=rival, by=staff, manager_day_rate=1000, client_day_rate=1300)
    return "Mandat abgeschlossen"


def end_by_placing_them(candidacy, staff, other):
    services.placement_record(candidacy=candidacy, by=staff, manager_day_rate=1000, client_day_rate=1300)
    return "Besetzt"


def end_by_losing_the_mandate(candidacy, staff, other):
    services.mandate_set_status(mandate=candidacy.mandate, status=Mandate.Status.LOST, by=staff)
    return "Mandat abgeschlossen"


def end_by_cancelling_the_mandate(candidacy, staff, other):
    services.mandate_set_status(mandate=candidacy.mandate, status=Mandate.Status.CANCELLED, by=staff)
    return "Mandat abgeschlossen"


@pytest.mark.parametrize(
    "end",
    [
        end_by_withdrawal,
        end_by_decline,
        end_by_placing_another,
        end_by_placing_them,
        end_by_losing_the_mandate,
        end_by_cancelling_the_mandate,
    ],
)
def test_access_ends_and_a_minimal_record_stays(
    client, client_contact, released, staff, other_manager, end, django_capture_on_commit_callbacks
):
    client.force_login(client_contact.user)
    card_url, cv_url = urls(released)
    services.client_feedback(candidacy=released, user=client_contact.user, wants_meeting=False, comment="Zu teuer")
    assert client.get(card_url).status_code == 200 and client.get(cv_url).status_code == 200
    copy = copy_path(released)
    assert copy.is_file()

    with django_capture_on_commit_callbacks(execute=True):  # the copy is deleted once the change is committed
        outcome = end(released, staff, other_manager)

    assert client.get(card_url).status_code == 404
    assert client.get(cv_url).status_code == 404
    assert not copy.exists()
    page = client.get(reverse("client_mandate_detail", args=[released.mandate_id])).content.decode()
    assert 'data-testid="candidate-record"' in page and "Kandidat 1" in page and outcome in page
    assert "Ihre Antwort: nein" in page and "Zu teuer" in page  # the client's own answer stays with them
    for gone in ("Anna Berger", "Berger_CV", "Sanierungs-CFO Maschinenbau", "Lebenslauf herunterladen"):
        assert gone not in page, gone


def test_erasing_the_manager_deletes_the_frozen_copy(released, manager, django_capture_on_commit_callbacks):
    copy = copy_path(released)
    with django_capture_on_commit_callbacks(execute=True):
        manager_erase(profile=manager)
    assert not Candidacy.objects.exists()
    assert not copy.exists()


def test_a_reopened_candidate_starts_afresh_for_the_client(client, client_contact, released, staff):
    services.candidacy_move(candidacy=released, to_stage=Stage.WITHDRAWN, by=staff, reason="Pausiert")
    services.candidacy_move(candidacy=released, to_stage=Stage.PROPOSED, by=staff)
    released.refresh_from_db()
    assert (released.presented_at, released.released_at, released.released_cv_file) == (None, None, "")
    assert released.client_number == 1  # the same number if presented again
    client.force_login(client_contact.user)
    page = client.get(reverse("client_mandate_detail", args=[released.mandate_id])).content.decode()
    assert "Kandidat 1" not in page
