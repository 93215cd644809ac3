from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from managers.models import ManagerProfile
from mandates import services
from mandates.matching import MatchScore
from mandates.models import Candidacy, DeclineReason, Mandate, MandateStatusChange, Placement, StageChange
from notifications.models import Notification
from tests import factories

Stage = Candidacy.Stage
# Where a test only cares about the snapshot, not the scoring.
FIXED_SCORE = MatchScore(total=72.5, reasons=("Muss-Kompetenz Controlling fehlt",))


@pytest.fixture
def mandate(client_contact, staff):
    obj = factories.mandate(client_contact.company, owner=staff, duration_months=6, start_date=date(2027, 1, 31))
    obj.contacts.add(client_contact)
    return obj


def add(mandate, manager, staff):
    return services.candidacy_add(mandate=mandate, manager=manager, by=staff, score=FIXED_SCORE)


def place(candidacy, staff, **kwargs):
    return services.placement_record(
        candidacy=candidacy, by=staff, manager_day_rate=1150, client_day_rate=1400, **kwargs
    )


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


def test_sending_the_shortlist_presents_only_shortlisted_candidates_anonymously(mandate, manager, other_manager, staff):
    shortlisted = factories.consented(mandate, manager, staff)
    services.candidacy_move(candidacy=shortlisted, to_stage=Stage.SHORTLISTED, by=staff)
    held_back = factories.consented(mandate, other_manager, staff)
    services.shortlist_send(mandate=mandate, by=staff)

    shortlisted.refresh_from_db()
    held_back.refresh_from_db()
    mandate.refresh_from_db()
    assert shortlisted.presented_at is not None and shortlisted.stage == Stage.PRESENTED
    assert shortlisted.released_at is None  # presented is not released: the card is anonymous
    assert shortlisted.client_number == 1
    assert held_back.presented_at is None and held_back.stage == Stage.INTERESTED
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
    placement = place(chosen, staff)

    mandate.refresh_from_db()
    chosen.refresh_from_db()
    rival.refresh_from_db()
    manager.refresh_from_db()
    assert mandate.status == Mandate.Status.WON and mandate.closed_at == placement.placed_at
    assert chosen.stage == Stage.PLACED
    assert (placement.starts_on, placement.ends_on) == (date(2027, 1, 31), date(2027, 7, 31))
    assert (placement.manager_day_rate, placement.client_day_rate) == (1150, 1400)
    assert chosen.client_revealed_at is not None  # the placed manager now knows who the client is
    assert manager.status == ManagerProfile.Status.PLACED
    assert manager.status_changes.last().to_status == ManagerProfile.Status.PLACED
    assert manager.available_from == date(2027, 8, 1)
    assert rival.stage == Stage.WITHDRAWN
    assert rival.stage_changes.last().reason


def test_a_mandate_is_placed_only_once(mandate, manager, other_manager, staff):
    place(add(mandate, manager, staff), staff)
    late = Candidacy.objects.create(mandate=mandate, manager=other_manager)
    with pytest.raises(ValidationError):
        place(late, staff)
    assert Placement.objects.count() == 1


@pytest.mark.parametrize(("manager_rate", "client_rate"), [(None, 1400), (1150, None), (None, None)])
def test_a_placement_needs_both_day_rates(mandate, manager, staff, manager_rate, client_rate):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="beide Tagessätze"):
        services.placement_record(
            candidacy=candidacy, by=staff, manager_day_rate=manager_rate, client_day_rate=client_rate
        )
    assert not Placement.objects.exists()


def test_placed_is_no_stage_to_move_to_by_hand(mandate, manager, staff):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError, match="Tagessätzen"):
        services.candidacy_move(candidacy=candidacy, to_stage=Stage.PLACED, by=staff)
    assert not Placement.objects.exists()


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
    return factories.presented(mandate, manager, staff)


def test_client_yes_moves_to_interview_and_tells_the_owner(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=True, comment="Gern")
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.INTERVIEW and candidacy.client_wants_meeting is True
    assert candidacy.stage_changes.last().by == client_contact.user
    assert Notification.objects.get(kind="client_feedback").key == f"candidacy:{candidacy.pk}:feedback"


def test_client_no_needs_a_comment_which_stays_with_staff(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    with pytest.raises(ValidationError):
        services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=False)
    services.client_feedback(
        candidacy=candidacy, user=client_contact.user, wants_meeting=False, comment="Herr Vogel findet ihn zu teuer"
    )
    candidacy.refresh_from_db()
    # The client's "no" is an answer, not yet a decision: staff decide and choose what the manager is told.
    assert candidacy.stage == Stage.PRESENTED and candidacy.client_wants_meeting is False
    assert candidacy.client_feedback == "Herr Vogel findet ihn zu teuer"
    assert not StageChange.objects.filter(reason__contains="Vogel").exists()
    assert not Notification.objects.filter(recipient=manager.user, kind="candidacy_declined").exists()
    assert Notification.objects.filter(recipient=staff, kind="client_feedback").exists()


def test_a_client_can_change_no_to_yes_and_back_while_the_candidate_is_shown(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=True)
    services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=False, comment="Doch nicht")
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.PRESENTED
    assert [c.to_stage for c in candidacy.stage_changes.all()][-2:] == [Stage.INTERVIEW, Stage.PRESENTED]
    assert all(c.reason == "" for c in candidacy.stage_changes.filter(by=client_contact.user))


def test_declining_tells_the_manager_only_the_neutral_reason_staff_chose(mandate, manager, staff, client_contact):
    candidacy = presented(mandate, manager, staff)
    with pytest.raises(ValidationError, match="neutrale Begründung"):
        services.candidacy_move(candidacy=candidacy, to_stage=Stage.DECLINED, by=staff, reason="Kunde: zu teuer")
    services.candidacy_move(
        candidacy=candidacy,
        to_stage=Stage.DECLINED,
        by=staff,
        reason="Kunde: zu teuer",
        manager_reason=DeclineReason.TERMS,
    )
    candidacy.refresh_from_db()
    assert candidacy.manager_message() == DeclineReason.TERMS.label
    assert candidacy.stage_changes.last().reason == "Kunde: zu teuer"
    mail = Notification.objects.get(recipient=manager.user, kind="candidacy_declined")
    assert mail.context == {"candidacy_id": candidacy.pk, "mandate_id": mandate.pk}


def test_staff_may_reword_the_neutral_reason(mandate, manager, staff):
    candidacy = presented(mandate, manager, staff)
    services.candidacy_move(
        candidacy=candidacy,
        to_stage=Stage.DECLINED,
        by=staff,
        reason="intern",
        manager_reason=DeclineReason.GENERAL,
        manager_reason_text="  Der Kunde hat sich für ein internes Team entschieden.  ",
    )
    candidacy.refresh_from_db()
    assert candidacy.manager_message() == "Der Kunde hat sich für ein internes Team entschieden."


def test_stage_changes_of_unreleased_candidates_cannot_come_from_the_client(mandate, manager, staff, client_contact):
    candidacy = add(mandate, manager, staff)
    with pytest.raises(ValidationError):
        services.client_feedback(candidacy=candidacy, user=client_contact.user, wants_meeting=True)
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


def test_placement_without_a_known_duration_leaves_availability_alone(client_contact, manager, staff):
    mandate = factories.mandate(client_contact.company, duration_months=None)
    before = manager.available_from
    place(add(mandate, manager, staff), staff, starts_on=date.today() + timedelta(days=3))
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
    factories.presented(mandate, manager, staff)
    told = set(Notification.objects.filter(kind="shortlist_sent").values_list("recipient", flat=True))
    assert told == {client_contact.user.pk, colleague.user.pk}


def test_a_shortlist_for_a_client_without_contacts_is_refused(manager, staff):
    mandate = factories.mandate()
    candidacy = factories.consented(mandate, manager, staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    with pytest.raises(ValidationError, match="Ansprechpartner"):
        services.shortlist_send(mandate=mandate, by=staff)
    candidacy.refresh_from_db()
    assert candidacy.presented_at is None
