"""A manager is presented to a client only after agreeing for that mandate; the consent is kept as proof."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mandates import consent, services
from mandates.models import Candidacy, ConsentRequest, PresentationConsent
from notifications.models import Notification
from notifications.tasks import drain_outbox
from tests import factories

Stage = Candidacy.Stage
Source = PresentationConsent.Source


@pytest.fixture
def mandate(client_contact, staff):
    company = client_contact.company
    company.name = "Hansen Maschinenbau GmbH"
    company.save()
    return factories.mandate(
        company,
        title="Geheimprojekt Nordlicht",
        public_title="Interim CFO im Maschinenbau",
        public_summary="Familienunternehmen sucht Interim CFO",
        location_city="Husum",
        owner=staff,
    )


@pytest.fixture
def candidacy(mandate, manager, staff):
    return services.candidacy_add(mandate=mandate, manager=manager, by=staff)


def consent_link(message):
    return re.search(r"https?://\S+/manager/mandates/consent/link/[^/\s]+/", message.body).group(0)


def test_a_consent_request_is_mailed_anonymously_with_a_single_use_link(settings, candidacy, manager, staff):
    settings.SITE_URL = "https://manatnet.example"
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    assert request.expires_at - request.sent_at == timedelta(days=consent.REQUEST_VALID_DAYS)
    drain_outbox()
    (message,) = mail.outbox
    assert message.to == [manager.user.email]
    assert "Dürfen wir Ihr Profil" in message.subject
    body = message.body + message.alternatives[0][0]
    assert "Interim CFO im Maschinenbau" in body and "Familienunternehmen sucht Interim CFO" in body
    assert consent.WORDING.split(":")[0] in body  # the wording the manager agrees to is in the mail
    for secret in ("Hansen", "Geheimprojekt", "Husum"):
        assert secret not in body
    assert consent_link(message).startswith("https://manatnet.example/manager/mandates/consent/link/")


def test_a_request_naming_the_client_reveals_it_and_the_consent_records_it(client, candidacy, manager, staff):
    services.consent_request_send(candidacy=candidacy, by=staff, reveal_client=True)
    drain_outbox()
    body = mail.outbox[0].body
    assert "Hansen Maschinenbau GmbH" in body and "Husum" in body
    assert "Geheimprojekt" not in body
    client.get(consent_link(mail.outbox[0]))
    client.post(consent_link(mail.outbox[0]), {"agreed": "yes"})
    given = PresentationConsent.objects.get()
    assert given.client_name == "Hansen Maschinenbau GmbH"


def test_the_link_shows_a_page_and_only_the_button_agrees(client, candidacy, manager, staff):
    services.consent_request_send(candidacy=candidacy, by=staff)
    drain_outbox()
    link = consent_link(mail.outbox[0])

    page = client.get(link)  # what a mail scanner or link preview does
    assert page.status_code == 200
    assert "Ja, ich stimme zu" in page.content.decode()
    assert "Geheimprojekt" not in page.content.decode() and "Hansen" not in page.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.consent_at is None and not PresentationConsent.objects.exists()

    done = client.post(link, {"agreed": "yes"})
    assert done.status_code == 200 and "Danke" in done.content.decode()
    candidacy.refresh_from_db()
    given = PresentationConsent.objects.get()
    assert candidacy.consent_at == given.given_at
    assert (given.source, given.wording_version, given.client_name) == (Source.REQUEST_LINK, "2026-12", "")
    assert given.wording == consent.wording() and given.request.channel == ConsentRequest.Channel.LINK
    assert candidacy.manager_response == Candidacy.Response.INTERESTED and candidacy.stage == Stage.INTERESTED

    again = client.post(link, {"agreed": "no"})
    assert "bereits beantwortet" in again.content.decode()
    assert PresentationConsent.objects.get().withdrawn_at is None  # a used link changes nothing


def test_refusing_by_link_records_the_refusal_and_no_consent(client, candidacy, staff):
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    drain_outbox()
    client.post(consent_link(mail.outbox[0]), {"agreed": "no", "reason": "Zu weit weg"})
    request.refresh_from_db()
    candidacy.refresh_from_db()
    assert request.outcome == ConsentRequest.Outcome.REFUSED and request.closed_at is not None
    assert candidacy.consent_at is None and candidacy.manager_response == Candidacy.Response.NOT_INTERESTED
    assert candidacy.manager_response_reason == "Zu weit weg"


def test_an_expired_or_forged_link_agrees_to_nothing(client, candidacy, staff):
    services.consent_request_send(candidacy=candidacy, by=staff)
    drain_outbox()
    link = consent_link(mail.outbox[0])
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=consent.REQUEST_VALID_DAYS, minutes=1)):
        assert client.get(link).status_code == 410
        assert client.post(link, {"agreed": "yes"}).status_code == 410
    assert not PresentationConsent.objects.exists()


def test_the_manager_answers_in_the_app_under_anfragen(client, candidacy, manager, staff):
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    client.force_login(manager.user)
    page = client.get(reverse("manager_dashboard")).content.decode()
    assert "Anfragen" in page and 'data-testid="consent-request"' in page
    assert "Interim CFO im Maschinenbau" in page and "Geheimprojekt" not in page
    assert "Ohne Ihre Zustimmung geschieht das nicht" in page  # formal "Sie"
    response = client.post(reverse("manager_consent_answer", args=[request.pk]), {"agreed": "yes"})
    assert response.status_code == 302
    assert PresentationConsent.objects.get().source == Source.REQUEST_APP
    assert 'data-testid="consent-request"' not in client.get(reverse("manager_dashboard")).content.decode()


def test_nobody_else_can_answer_a_managers_request(client, candidacy, other_manager, client_contact, staff):
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    for user in (other_manager.user, client_contact.user, staff):
        factories.log_in(client, user)
        assert client.post(reverse("manager_consent_answer", args=[request.pk]), {"agreed": "yes"}).status_code == 404
    assert not PresentationConsent.objects.exists()


def test_one_open_request_at_a_time_and_an_expired_one_is_replaced(candidacy, staff):
    first = services.consent_request_send(candidacy=candidacy, by=staff)
    with pytest.raises(ValidationError, match="bereits offen"):
        services.consent_request_send(candidacy=candidacy, by=staff)
    with time_machine.travel(timezone.now() + timedelta(days=consent.REQUEST_VALID_DAYS + 1)):
        second = services.consent_request_send(candidacy=candidacy, by=staff)
    first.refresh_from_db()
    assert first.outcome == ConsentRequest.Outcome.EXPIRED and second.is_open(second.sent_at)
    assert Notification.objects.filter(kind="consent_request").count() == 2


def test_no_request_once_the_manager_agreed(candidacy, staff):
    services.manager_respond(candidacy=candidacy, interested=True)
    with pytest.raises(ValidationError, match="bereits zugestimmt"):
        services.consent_request_send(candidacy=candidacy, by=staff)


def test_interested_counts_as_consent_and_not_for_me_withdraws_it(mandate, manager, staff):
    candidacy = factories.consented(mandate, manager, staff)
    given = PresentationConsent.objects.get()
    assert (given.source, given.candidacy, given.withdrawn_at) == (Source.INTERESTED, candidacy, None)
    assert candidacy.consent_at == given.given_at

    services.manager_respond(candidacy=candidacy, interested=False, reason="Anderes Projekt")
    candidacy.refresh_from_db()
    given.refresh_from_db()
    assert candidacy.consent_at is None and given.withdrawn_at is not None

    services.manager_respond(candidacy=candidacy, interested=True)
    assert PresentationConsent.objects.filter(withdrawn_at__isnull=True).count() == 1
    assert PresentationConsent.objects.count() == 2  # the history stays


def test_withdrawing_consent_takes_a_presented_candidate_away_from_the_client(mandate, manager, staff):
    candidacy = factories.presented(mandate, manager, staff)
    services.manager_respond(candidacy=candidacy, interested=False, reason="Habe ein anderes Mandat")
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.WITHDRAWN and candidacy.consent_at is None
    assert not Candidacy.objects.shown_to_client().filter(pk=candidacy.pk).exists()


def test_staff_see_the_consent_on_the_shortlist_and_in_the_admin(client, mandate, manager, staff):
    candidacy = factories.consented(mandate, manager, staff)
    factories.login_with_totp(client, staff)
    shortlist = client.get(reverse("admin:mandates_mandate_shortlist", args=[mandate.pk])).content.decode()
    assert "Eigene Antwort „Ich bin interessiert“" in shortlist
    change = client.get(reverse("admin:mandates_candidacy_change", args=[candidacy.pk])).content.decode()
    assert "2026-12" in change and "Zustimmungen zur Vorstellung" in change
    listing = client.get(reverse("admin:mandates_presentationconsent_changelist")).content.decode()
    assert manager.display_name in listing


def test_the_managers_export_contains_consents_and_requests_but_nothing_confidential(mandate, manager, staff):
    from manatnet.privacy import export_data

    candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=staff)
    request = services.consent_request_send(candidacy=candidacy, by=staff, reveal_client=True)
    services.consent_answer(request=request, agreed=True, channel=ConsentRequest.Channel.APP)
    data = export_data(manager.user)
    (entry,) = data["candidacies"]
    assert entry["mandate"]["title"] == "Interim CFO im Maschinenbau"
    assert entry["mandate"]["client_name"] == "Hansen Maschinenbau GmbH"  # named to them in the request
    (given,) = entry["consents"]
    assert given["source"] == Source.REQUEST_APP and given["wording_version"] == "2026-12"
    assert given["client_named"] == "Hansen Maschinenbau GmbH"
    assert entry["consent_requests"][0]["outcome"] == ConsentRequest.Outcome.AGREED
    assert "Geheimprojekt" not in str(data) and "client_price" not in str(data)


def test_answering_on_the_dashboard_closes_an_open_request(client, candidacy, manager, staff):
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    client.force_login(manager.user)
    client.post(reverse("manager_mandate_respond", args=[candidacy.mandate_id]), {"interested": "yes"})
    request.refresh_from_db()
    assert request.outcome == ConsentRequest.Outcome.AGREED and request.closed_at is not None
    assert PresentationConsent.objects.get().source == Source.INTERESTED
    assert 'data-testid="consent-request"' not in client.get(reverse("manager_dashboard")).content.decode()


def test_a_request_for_a_withdrawn_candidacy_cannot_be_answered_any_more(client, candidacy, manager, staff):
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    services.candidacy_move(candidacy=candidacy, to_stage=Stage.WITHDRAWN, by=staff, reason="Kunde hat abgesagt")
    client.force_login(manager.user)
    assert 'data-testid="consent-request"' not in client.get(reverse("manager_dashboard")).content.decode()
    assert client.post(reverse("manager_consent_answer", args=[request.pk]), {"agreed": "yes"}).status_code == 404
