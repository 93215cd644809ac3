"""Staff cannot put anyone in front of a client, or release them, without the manager's consent: every path is tried
(admin change form, stage move, bulk action, direct service call, and the database itself)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mandates import services
from mandates.models import Candidacy
from tests import factories

Stage = Candidacy.Stage


@pytest.fixture
def mandate(client_contact, staff):
    obj = factories.mandate(client_contact.company, owner=staff)
    obj.contacts.add(client_contact)
    return obj


@pytest.fixture
def unconsented(mandate, manager, staff):
    """On the shortlist, never asked, never answered: the manager from the bug report."""
    candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.INTERESTED, by=staff)  # staff set it by hand
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    return candidacy


@pytest.fixture
def staff_client(client, staff):
    factories.login_with_totp(client, staff)
    return client


def assert_never_shown(candidacy):
    candidacy.refresh_from_db()
    assert candidacy.presented_at is None and candidacy.released_at is None
    assert candidacy.stage not in Candidacy.SHOWN_STAGES
    assert not Candidacy.objects.shown_to_client().filter(pk=candidacy.pk).exists()


def test_sending_the_shortlist_is_refused_while_anyone_on_it_has_not_agreed(mandate, unconsented, other_manager, staff):
    agreed = factories.consented(mandate, other_manager, staff)
    services.candidacy_move(candidacy=agreed, to_stage=Stage.SHORTLISTED, by=staff)
    with pytest.raises(ValidationError, match="ohne Zustimmung"):
        services.shortlist_send(mandate=mandate, by=staff)
    assert_never_shown(unconsented)
    assert_never_shown(agreed)  # nothing is half-sent


def test_the_send_button_reports_the_missing_consent(staff_client, mandate, unconsented, manager):
    response = staff_client.post(reverse("admin:mandates_mandate_send", args=[mandate.pk]), follow=True)
    page = response.content.decode()
    assert "Es fehlt die Zustimmung von" in page and manager.display_name in page
    assert_never_shown(unconsented)


def test_a_direct_release_without_consent_is_refused(unconsented, staff):
    with pytest.raises(ValidationError, match="nicht zugestimmt"):
        services.candidacy_release(candidacy=unconsented, by=staff)
    assert_never_shown(unconsented)


def test_no_stage_move_presents_anyone(unconsented, staff):
    for target in (Stage.PRESENTED, Stage.INTERVIEW):
        with pytest.raises(ValidationError, match="kann nicht nach"):
            services.candidacy_move(candidacy=unconsented, to_stage=target, by=staff)
    assert_never_shown(unconsented)


def test_the_stage_form_offers_no_way_to_present(staff_client, mandate, unconsented):
    page = staff_client.get(reverse("admin:mandates_mandate_shortlist", args=[mandate.pk])).content.decode()
    assert f'name="m{unconsented.pk}-to_stage"' in page
    assert 'value="presented"' not in page and 'value="interview"' not in page
    response = staff_client.post(
        reverse("admin:mandates_candidacy_move", args=[unconsented.pk]),
        {f"m{unconsented.pk}-to_stage": "presented", f"m{unconsented.pk}-from_stage": "shortlisted"},
    )
    assert response.status_code == 400
    assert_never_shown(unconsented)


def test_the_admin_change_form_cannot_set_consent_presentation_or_release(staff_client, unconsented):
    url = reverse("admin:mandates_candidacy_change", args=[unconsented.pk])
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    response = staff_client.post(
        url,
        {
            "position": 0,
            "note_for_client": "",
            "stage": "presented",
            "consent_at": now,
            "presented_at": now,
            "released_at": now,
            "client_number": 1,
            **{
                f"{prefix}-{key}": 0
                for prefix in ("consents", "consent_requests", "stage_changes")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unconsented.refresh_from_db()
    assert unconsented.consent_at is None and unconsented.stage == Stage.SHORTLISTED
    assert_never_shown(unconsented)


def test_the_bulk_release_refuses_without_consent(staff_client, unconsented, manager):
    response = staff_client.post(
        reverse("admin:mandates_candidacy_changelist"),
        {"action": "release_identity", "_selected_action": [unconsented.pk]},
        follow=True,
    )
    assert "nicht zugestimmt" in response.content.decode()
    assert_never_shown(unconsented)


def test_the_bulk_release_refuses_after_the_consent_was_withdrawn(staff_client, mandate, other_manager, staff):
    candidacy = factories.presented(mandate, other_manager, staff)
    services.manager_respond(candidacy=candidacy, interested=False, reason="Doch nicht")
    staff_client.post(
        reverse("admin:mandates_candidacy_changelist"),
        {"action": "release_identity", "_selected_action": [candidacy.pk]},
    )
    candidacy.refresh_from_db()
    assert candidacy.released_at is None and candidacy.stage == Stage.WITHDRAWN


def test_the_client_cannot_answer_for_someone_never_presented(unconsented, client_contact):
    with pytest.raises(ValidationError):
        services.client_feedback(candidacy=unconsented, user=client_contact.user, wants_meeting=True)
    assert_never_shown(unconsented)


def test_the_database_refuses_a_shown_candidate_without_consent(unconsented):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.filter(pk=unconsented.pk).update(stage=Stage.PRESENTED, presented_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.filter(pk=unconsented.pk).update(stage=Stage.INTERVIEW, presented_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.filter(pk=unconsented.pk).update(released_at=now)
    assert_never_shown(unconsented)


def test_with_consent_the_same_paths_work(mandate, manager, staff):
    candidacy = factories.presented(mandate, manager, staff)
    assert candidacy.stage == Stage.PRESENTED and candidacy.presented_at and candidacy.consent_at
    services.candidacy_release(candidacy=candidacy, by=staff)
    candidacy.refresh_from_db()
    assert candidacy.released_at is not None and candidacy.released_by == staff


def test_staff_without_the_release_and_consent_permissions_cannot_release_or_ask(client, mandate, manager, staff):
    from django.contrib.auth.models import Permission

    candidacy = factories.presented(mandate, manager, staff)
    consultant = factories.user("consultant@example.com")
    consultant.is_staff = True
    consultant.save()
    consultant.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_mandate", "change_mandate", "view_candidacy", "change_candidacy"]
        )
    )
    factories.login_with_totp(client, consultant)
    for action in ("release", "consent"):
        response = client.post(reverse(f"admin:mandates_candidacy_{action}", args=[candidacy.pk]))
        assert response.status_code == 403, action
    candidacy.refresh_from_db()
    assert candidacy.released_at is None
