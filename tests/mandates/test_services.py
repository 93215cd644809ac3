from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from managers.models import ManagerProfile
from mandates import services
from mandates.models import Candidacy, Mandate, MandateStatusChange, Placement, StageChange
from notifications.models import Notification
from tests import factories

Stage = Candidacy.Stage


@dataclass(frozen=True)
class FixedScore:
    """Stands in for a MatchScore where a test only cares about the snapshot, not the scoring."""

    total: float = 72.5
    criteria: tuple = field(default_factory=tuple)
    excluded: bool = False
    reasons: tuple = ("Muss-Kompetenz Controlling fehlt",)


@pytest.fixture
def mandate(client_contact, staff):
    obj = factories.mandate(client_contact.company, owner=staff, duration_months=6, start_date=date(2027, 1, 31))
    obj.contacts.add(client_contact)
    return obj


def add(mandate, manager, staff):
    return services.candidacy_add(mandate=mandate, manager=manager, by=staff, score=FixedScore())


def test_opening_a_draft_records_the_time_and_the_status_change(staff, client_contact):
    draft = factories.mandate(client_contact.company, status=Mandate.Status.DRAFT, opened_at=None)
    services.mandate_open(mandate=draft, by=staff)
    draft.refresh_from_db()
    assert draft.status == Mandate.Status.OPEN
    assert draft.opened_at is not None
    change = MandateStatusChange.objects.get(mandate=draft)
    assert (change.from_status, change.to_status, change.by) == ("draft", "open", staff)


def test_it_refuses_to_open_a_mandate_twice(mandate, staff):
    with pytest.raises(ValidationError):
        services.mandate_open(mandate=mandate, by=staff)


def test_closing_a_mandate_by_hand_records_closed_at_and_won_needs_a_placement(mandate, staff):
    services.mandate_set_status(mandate=mandate, status=Mandate.Status.CANCELLED, by=staff)
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.CANCELLED and mandate.closed_at is not None
    with pytest.raises(ValidationError):
        services.mandate_set_status(mandate=mandate, status=Mandate.Status.WON, by=staff)


def test_adding_a_candidate_snapshots_the_score_and_is_idempotent(mandate, manager, staff):
    first = add(mandate, manager, staff)
    again = add(mandate, manager, staff)
    assert first.pk == again.pk
    assert first.score == 72.5
    assert first.score_detail["reasons"] == ["Muss-Kompetenz Controlling fehlt"]
    assert first.stage_changes.get().to_stage == Stage.PROPOSED
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.SHORTLISTING


def test_new_candidates_go_to_the_end_and_can_be_reordered(mandate, manager, other_manager, staff):
    first = add(mandate, manager, staff)
    second = add(mandate, other_manager, staff)
    assert (first.position, second.position) == (0, 1)
    services.candidacy_reorder(mandate=mandate, order=[second.pk, first.pk])
    assert list(mandate.candidacies.values_list("pk", flat=True)) == [second.pk, first.pk]
    services.candidacy_move_by(candidacy=second, delta=1)
    assert list(mandate.candidacies.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_every_stage_change_is_recorded_with_staff_and_time(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.CONTACTED, by=staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    changes = list(candidacy.stage_changes.values_list("from_stage", "to_stage", "by"))
    assert changes == [
        ("", "proposed", staff.pk),
        ("proposed", "contacted", staff.pk),
        ("contacted", "shortlisted", staff.pk),
    ]
    assert Notification.objects.filter(recipient=manager.user, kind="candidacy_shortlisted").count() == 1


def test_a_no_without_reason_is_refused_and_nothing_changes(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="Begründung"):
        services.candidacy_move(candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="  ")
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.PROPOSED
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="Anderes Mandat")
    assert candidacy.stage_changes.last().reason == "Anderes Mandat"


def test_it_refuses_transitions_outside_the_pipeline(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="nicht nach"):
        services.candidacy_move(candidacy=candidacy, to_stage=Stage.INTERVIEW, by=staff)


def test_a_move_based_on_a_stale_stage_is_refused(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.CONTACTED, by=staff)
    with pytest.raises(ValidationError, match="inzwischen"):
        services.candidacy_move(
            candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="zu teuer", from_stage=Stage.PROPOSED
        )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.CONTACTED


def test_sending_the_shortlist_releases_only_shortlisted_candidates(mandate, manager, other_manager, staff):
    shortlisted = add(mandate, manager, staff)
    services.candidacy_move(candidacy=shortlisted, to_stage=Stage.SHORTLISTED, by=staff)
    held_back = add(mandate, other_manager, staff)
    services.shortlist_send(mandate=mandate, by=staff)

    shortlisted.refresh_from_db()
    held_back.refresh_from_db()
    mandate.refresh_from_db()
    assert shortlisted.released_at is not None and shortlisted.stage == Stage.PRESENTED
    assert held_back.released_at is None and held_back.stage == Stage.PROPOSED
    assert mandate.status == Mandate.Status.PRESENTED and mandate.shortlist_sent_at is not None
    client_mail = Notification.objects.get(kind="shortlist_sent")
    assert client_mail.recipient == mandate.contacts.get().user
    assert client_mail.key == f"mandate:{mandate.pk}:{mandate.shortlist_sent_at:%Y%m%d%H%M}"
    assert client_mail.context["candidacy_ids"] == [shortlisted.pk]
    assert Notification.objects.filter(recipient=manager.user, kind="candidacy_presented").exists()


def test_an_empty_shortlist_cannot_be_sent(mandate, manager, staff):
    add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="Shortlist"):
        services.shortlist_send(mandate=mandate, by=staff)
    mandate.refresh_from_db()
    assert mandate.shortlist_sent_at is None


def test_recording_a_placement_closes_the_mandate_and_moves_the_manager(mandate, manager, other_manager, staff):
    chosen = add(mandate, manager, staff)
    rival = add(mandate, other_manager, staff)
    placement = services.placement_record(candidacy=chosen, by=staff, day_rate=1150)

    mandate.refresh_from_db()
    chosen.refresh_from_db()
    rival.refresh_from_db()
    manager.refresh_from_db()
    assert mandate.status == Mandate.Status.WON and mandate.closed_at == placement.placed_at
    assert chosen.stage == Stage.PLACED
    assert (placement.starts_on, placement.ends_on, placement.day_rate) == (date(2027, 1, 31), date(2027, 7, 31), 1150)
    assert manager.status == ManagerProfile.Status.PLACED
    assert manager.status_changes.last().to_status == ManagerProfile.Status.PLACED
    assert manager.available_from == date(2027, 8, 1)
    assert rival.stage == Stage.WITHDRAWN
    assert rival.stage_changes.last().reason


def test_a_mandate_is_placed_only_once(mandate, manager, other_manager, staff):
    services.placement_record(candidacy=add(mandate, manager, staff), by=staff)
    late = Candidacy.objects.create(mandate=mandate, manager=other_manager)
    with pytest.raises(ValidationError):
        services.placement_record(candidacy=late, by=staff)
    assert Placement.objects.count() == 1


def test_moving_to_placed_goes_through_the_placement(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    moved = services.candidacy_move(candidacy=candidacy, to_stage=Stage.PLACED, by=staff)
    assert moved.stage == Stage.PLACED
    assert Placement.objects.get(mandate=mandate).manager == manager


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert services.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert services.add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_a_manager_answer_is_recorded_changeable_and_notifies_the_owner_once(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    services.manager_respond(candidacy=candidacy, interested=True)
    candidacy.refresh_from_db()
    assert candidacy.manager_response == Candidacy.Response.INTERESTED
    assert candidacy.stage == Stage.INTERESTED
    services.manager_respond(candidacy=candidacy, interested=False, reason="Zu weit weg")
    services.manager_respond(candidacy=candidacy, interested=True)
    candidacy.refresh_from_db()
    assert candidacy.manager_response == Candidacy.Response.INTERESTED
    assert Notification.objects.filter(recipient=staff, kind="manager_interested").count() == 1


def test_not_for_me_needs_a_reason(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="Grund"):
        services.manager_respond(candidacy=candidacy, interested=False)


def test_a_manager_cannot_answer_a_closed_mandate(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    services.mandate_set_status(mandate=mandate, status=Mandate.Status.LOST, by=staff)
    with pytest.raises(ValidationError, match="nicht mehr offen"):
        services.manager_respond(candidacy=candidacy, interested=True)


def presented(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    services.shortlist_send(mandate=mandate, by=staff)
    candidacy.refresh_from_db()
    return candidacy


def test_client_yes_moves_to_interview_and_tells_the_owner(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=True, comment="Gern")
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.INTERVIEW and candidacy.client_wants_meeting is True
    assert candidacy.stage_changes.last().by == client_contact.user
    assert Notification.objects.get(kind="client_feedback").key == f"candidacy:{candidacy.pk}:feedback"


def test_client_no_needs_a_comment_and_declines_with_it(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    with pytest.raises(ValidationError):
        services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=False)
    services.client_feedback(
        candidacy=candidacy, user=client_contact.user, wants_meeting=False, comment="Branche passt nicht"
    )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.DECLINED
    assert candidacy.stage_changes.last().reason == "Branche passt nicht"
    assert Notification.objects.filter(recipient=manager.user, kind="candidacy_declined").exists()


def test_stage_changes_of_unreleased_candidates_cannot_come_from_the_client(mandate, manager, staff, client_contact):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError):
        services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=True)
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


def test_placement_without_a_known_duration_leaves_availability_alone(client_contact, manager, staff):
    mandate = factories.mandate(client_contact.company, duration_months=None)
    before = manager.available_from
    services.placement_record(
        candidacy=add(mandate, manager, staff), by=staff, starts_on=date.today() + timedelta(days=3)
    )
    manager.refresh_from_db()
    assert manager.available_from == before
    assert Placement.objects.get().ends_on is None


def test_closing_a_mandate_as_lost_withdraws_everyone_still_in_the_race(mandate, manager, other_manager, staff):
    active = add(mandate, manager, staff)
    declined = add(mandate, other_manager, staff)
    services.candidacy_move(candidacy=declined, to_stage=Stage.WITHDRAWN, by=staff, reason="Kein Interesse")
    services.mandate_set_status(mandate=mandate, status=Mandate.Status.LOST, by=staff)
    active.refresh_from_db()
    declined.refresh_from_db()
    assert active.stage == Stage.WITHDRAWN and "Verloren" in active.stage_changes.last().reason
    assert declined.stage_changes.count() == 2  # the earlier "no" is left as it was


def test_without_named_contacts_every_contact_of_the_company_is_told(client_contact, manager, staff):
    colleague = factories.client_contact("kollegin@example.com", company_obj=client_contact.company)
    mandate = factories.mandate(client_contact.company)
    services.candidacy_move(candidacy=add(mandate, manager, staff), to_stage=Stage.SHORTLISTED, by=staff)
    services.shortlist_send(mandate=mandate, by=staff)
    told = set(Notification.objects.filter(kind="shortlist_sent").values_list("recipient", flat=True))
    assert told == {client_contact.user.pk, colleague.user.pk}


def test_a_shortlist_for_a_client_without_contacts_is_refused(manager, staff):
    mandate = factories.mandate()
    candidacy = add(mandate, manager, staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    with pytest.raises(ValidationError, match="Ansprechpartner"):
        services.shortlist_send(mandate=mandate, by=staff)
    candidacy.refresh_from_db()
    assert candidacy.released_at is None
