"""Every kind of e-mail renders as subject, text and HTML in the recipient's language; reminders once a month."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from managers.models import ManagerProfile
from managers.tasks import availability_reminders_create, send_availability_reminders
from mandates import services
from mandates.models import Candidacy, DeclineReason
from notifications.models import Notification
from notifications.recipients import recipient_for
from notifications.rendering import render
from notifications.services import notification_create
from notifications.tasks import drain_outbox
from tests import factories


@pytest.fixture
def candidacy(manager, staff):
    mandate = factories.mandate(factories.company("Diskret AG"), owner=staff, public_summary="Anonyme Zusammenfassung")
    return Candidacy.objects.create(
        mandate=mandate,
        manager=manager,
        score=81.5,
        client_feedback="Zu wenig Branche",
        manager_reason=DeclineReason.INDUSTRY,
    )


def rows(manager, staff, client_contact, candidacy):
    mandate = candidacy.mandate
    context = {"candidacy_id": candidacy.pk, "mandate_id": mandate.pk}
    criteria = [{"label": "Kompetenzen", "sentence": "3 von 3 Muss-Kompetenzen", "points": 35, "share": 35}]
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    specs = [
        (manager.user, "match_alert", {"mandate_id": mandate.pk, "score": 82.0, "criteria": criteria}),
        (staff, "mandate_opened_summary", {"mandate_id": mandate.pk, "strong_count": 3, "threshold": 70}),
        (manager.user, "candidacy_shortlisted", context),
        (manager.user, "candidacy_presented", context),
        (manager.user, "candidacy_declined", context),
        (manager.user, "consent_request", {**context, "request_id": request.pk}),
        (staff, "manager_interested", context),
        (client_contact.user, "shortlist_sent", {"mandate_id": mandate.pk, "candidacy_ids": [candidacy.pk]}),
        (staff, "client_feedback", context),
        (manager.user, "availability_reminder", {"profile_id": manager.pk}),
    ]
    return [
        notification_create(recipient=user, kind=kind, key=f"test:{kind}", context=ctx, language=None)
        for user, kind, ctx in specs
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_kind_renders_subject_text_and_html(manager, staff, client_contact, candidacy, language):
    for row in rows(manager, staff, client_contact, candidacy):
        row.language = language
        message = render(row, recipient_for(row.recipient))
        html = message.alternatives[0][0]
        assert message.subject and "\n" not in message.subject, row.kind
        assert message.body.strip() and "{%" not in message.body and "{{" not in message.body, row.kind
        assert html.lstrip().startswith("<!doctype html>") and "{{" not in html, row.kind
        assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}-{row.kind}@manatnet.example>"
        if row.recipient == manager.user:
            assert "Diskret AG" not in message.subject + message.body + html, row.kind  # anonymous for managers
            assert "/manager/settings/notifications/" in message.body, row.kind
            assert message.extra_headers["List-Unsubscribe"].startswith("<https://manatnet.example/")


def test_mails_reach_each_person_with_what_matters_to_them(manager, staff, client_contact, candidacy):
    rows(manager, staff, client_contact, candidacy)
    drain_outbox()
    by_kind = {m.extra_headers["Message-ID"].split("-")[2].split("@")[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 11  # the ten rows, and the consent request the service itself queued
    assert "Der Kunde sucht Erfahrung in einer anderen Branche" in by_kind["candidacy_declined"].body
    assert "Zu wenig Branche" not in by_kind["candidacy_declined"].body
    assert "/manager/mandates/consent/link/" in by_kind["consent_request"].body
    assert "Anna Berger" in by_kind["manager_interested"].subject
    assert f"/admin/mandates/mandate/{candidacy.mandate.pk}/change/" in by_kind["manager_interested"].body
    assert f"/client/mandates/{candidacy.mandate.pk}/" in by_kind["shortlist_sent"].body
    assert by_kind["shortlist_sent"].to == [client_contact.user.email]
    assert "Zu wenig Branche" in by_kind["client_feedback"].body
    assert "/manager/availability/confirm/" in by_kind["availability_reminder"].body
    assert "3 starke Treffer" in by_kind["mandate_opened_summary"].subject


def test_text_bodies_are_not_html_escaped(manager, staff, client_contact, candidacy):
    candidacy.mandate.public_summary = "M&A-Erfahrung <wichtig>"
    candidacy.mandate.save()
    alert, _summary, shortlisted, *_others = rows(manager, staff, client_contact, candidacy)
    for row in (alert, shortlisted):  # the alert's mandate part is rendered on its own, once per batch
        message = render(row, recipient_for(row.recipient))
        assert "M&A-Erfahrung <wichtig>" in message.body, row.kind
        assert "M&amp;A-Erfahrung &lt;wichtig&gt;" in message.alternatives[0][0], row.kind


def test_availability_reminders_go_to_stale_profiles_at_most_once_a_month(db):
    now = timezone.now()
    stale = factories.manager("stale@example.com", availability_confirmed_at=now - timedelta(days=61))
    past = factories.manager("past@example.com", availability_confirmed_at=now, available_from=date(2020, 1, 1))
    factories.manager("fresh@example.com", availability_confirmed_at=now - timedelta(days=10))
    factories.manager("new@example.com")  # registered today, never confirmed: nothing to remind yet
    paused = factories.manager("paused@example.com", availability_confirmed_at=now - timedelta(days=90))
    ManagerProfile.objects.filter(pk=paused.pk).update(status=ManagerProfile.Status.PAUSED)

    send_availability_reminders()
    send_availability_reminders()
    drain_outbox()
    assert sorted(m.to[0] for m in mail.outbox) == [past.user.email, stale.user.email]
    assert all("Verfügbarkeit" in m.subject for m in mail.outbox)

    with time_machine.travel(now + timedelta(days=35)):
        availability_reminders_create()
    assert Notification.objects.filter(kind="availability_reminder", recipient=stale.user).count() == 2


def test_a_reminder_confirmed_before_it_was_sent_is_skipped(manager):
    notification_create(recipient=manager.user, kind="availability_reminder", key="availability:x")
    ManagerProfile.objects.filter(pk=manager.pk).update(availability_confirmed_at=timezone.now() + timedelta(seconds=1))
    drain_outbox()
    assert mail.outbox == []
    assert Notification.objects.get(kind="availability_reminder").state == Notification.State.SKIPPED
