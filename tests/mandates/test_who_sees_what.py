"""Who sees what, tried from the outside: every client-facing and manager-facing URL, and every mail each party
gets, in each state a candidacy can be in, must answer as expected and leak nothing it must not.

The client matrix checks that an identifying field of the manager (name, e-mail, phone, LinkedIn, town, postcode,
employer names, CV file name), the manager's own day rate and the raw score appear nowhere unless the identity was
released (or, for the score, staff chose to show it). The manager matrix checks that no internal title, brief,
note, client price, client comment, internal reason or client name (before staff named the client) appears.
"""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from managers.models import MandateHistoryEntry
from mandates import services
from mandates.matching.jobs import mandate_match
from mandates.models import Candidacy, DeclineReason, Mandate
from notifications.tasks import drain_outbox
from tests import factories
from tests.factories import PASSWORD

Stage = Candidacy.Stage
SKILLS = ("financial-planning", "liquidity-management")

IDENTITY = [
    "Anna",
    "Berger",
    "anna.berger@example.com",
    "+49 170 5551234",
    "linkedin.com/in/anna-berger-cfo",
    "Husum",
    "25813",
    "Siemens Healthineers",
    "Anna_Berger_Lebenslauf",
]
OWN_RATE = ["1337", "1.337", "1111", "1.111"]
RAW_SCORE = re.compile(r"(?<![\d.,])(88|87[.,]6\d*)(?![\d.,])")


def visible_text(html):
    html = re.sub(r'<input[^>]*name="csrfmiddlewaretoken"[^>]*>', "", html)
    return re.sub(r"<[^>]+>", " ", html)


def assert_no_leak(html, *, identity_allowed=False, score_allowed=False, where=""):
    for value in OWN_RATE + ([] if identity_allowed else IDENTITY) + ["GEHEIM"]:
        assert value not in html, f"{value!r} leaked in {where}"
    if not score_allowed:
        assert not RAW_SCORE.search(visible_text(html)), f"raw score leaked in {where}"


@pytest.fixture
def anna(db):
    profile = factories.manager(
        "anna.berger@example.com",
        first_name="Anna",
        last_name="Berger",
        skills=SKILLS,
        functions=("cfo",),
        headline="Sanierungs-CFO, früher Anna Berger bei Siemens Healthineers",
        summary="Anna Berger führte die Finanzen der Siemens Healthineers AG in Husum.",
        phone="+49 170 5551234",
        linkedin_url="https://www.linkedin.com/in/anna-berger-cfo",
        city="Husum",
        postal_code="25813",
        day_rate_min=1111,
        day_rate_target=1337,
    )
    MandateHistoryEntry.objects.create(
        profile=profile,
        role="CFO",
        company="Siemens Healthineers AG",
        company_size="xl",
        started_on="2019-01-01",
        ended_on="2022-06-30",
        outcome="Bei Siemens Healthineers die Liquidität gesichert.",
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "cv" / "anna.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 Anna Berger CV")
    profile.cv_file, profile.cv_original_name = "cv/anna.pdf", "Anna_Berger_Lebenslauf.pdf"
    profile.save()
    return profile


def _mandate(contact, staff, n, **fields):
    contact.company.notes = f"GEHEIM-Notiz {n}"
    contact.company.save()
    return factories.mandate(
        contact.company,
        title=f"INTERN-Titel {n}",  # the client's own title: fine for the client, never for a manager
        brief=f"GEHEIM-Briefing {n}",
        public_title=f"Interim CFO Nummer {n}",
        public_summary=f"Anonyme Beschreibung {n}",
        skills=SKILLS,
        function="cfo",
        owner=staff,
        **fields,
    )


def _snapshot_score(candidacy, value=87.6):
    Candidacy.objects.filter(pk=candidacy.pk).update(score=value)
    candidacy.refresh_from_db()
    return candidacy


# --- Client-facing URLs -------------------------------------------------------------------------------------------


@pytest.fixture
def client_states(anna, client_contact, other_client_contact, staff, other_manager):
    states = {}
    m = _mandate(client_contact, staff, 1)
    states["released"] = _snapshot_score(factories.released(m, anna, staff, note="Top. Anna Berger kennt Husum."))
    m = _mandate(client_contact, staff, 2)
    states["unreleased"] = _snapshot_score(factories.presented(m, anna, staff, note="Anna Berger passt gut."))
    m = _mandate(client_contact, staff, 3)
    withdrawn = _snapshot_score(factories.released(m, anna, staff))
    services.candidacy_move(candidacy=withdrawn, to_stage=Stage.WITHDRAWN, by=staff, reason="GEHEIM-Grund")
    states["withdrawn"] = withdrawn
    m = _mandate(client_contact, staff, 4)
    closed = _snapshot_score(factories.released(m, anna, staff))
    services.mandate_set_status(mandate=m, status=Mandate.Status.LOST, by=staff)
    states["closed"] = closed
    m = factories.mandate(other_client_contact.company, title="Fremdmandat", skills=SKILLS, owner=staff)
    states["foreign"] = _snapshot_score(factories.released(m, anna, staff))
    for candidacy in states.values():
        candidacy.refresh_from_db()
    return states


EXPECTED = {
    # state: (mandate page, card, CV, feedback POST)
    "released": (200, 200, 200, 302),
    "unreleased": (200, 200, 404, 302),
    "withdrawn": (200, 404, 404, 404),
    "closed": (200, 404, 404, 404),
    "foreign": (404, 404, 404, 404),
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_client_matrix(client, client_contact, client_states, state):
    candidacy = client_states[state]
    expected_page, expected_card, expected_cv, expected_feedback = EXPECTED[state]
    client.force_login(client_contact.user)
    released = state == "released"

    listing = client.get(reverse("client_mandates"))
    assert listing.status_code == 200
    assert_no_leak(listing.content.decode(), where="mandate list")

    page = client.get(reverse("client_mandate_detail", args=[candidacy.mandate_id]))
    assert page.status_code == expected_page, "mandate page"
    assert_no_leak(page.content.decode(), identity_allowed=released, where=f"{state} mandate page")

    card = client.get(reverse("client_candidate", args=[candidacy.pk]))
    assert card.status_code == expected_card, "card"
    assert_no_leak(card.content.decode(), identity_allowed=released, where=f"{state} card")

    cv = client.get(reverse("client_candidate_cv", args=[candidacy.pk]))
    assert cv.status_code == expected_cv, "CV"
    if expected_cv == 200:
        assert b"".join(cv.streaming_content) == b"%PDF-1.4 Anna Berger CV"
    else:
        assert_no_leak(cv.content.decode(), where=f"{state} CV answer")

    answer = client.post(
        reverse("client_feedback", args=[candidacy.pk]),
        {f"c{candidacy.pk}-wants_meeting": "no", f"c{candidacy.pk}-comment": "Passt nicht"},
    )
    assert answer.status_code == expected_feedback, "feedback"
    if expected_feedback != 302:
        assert_no_leak(answer.content.decode(), where=f"{state} feedback answer")


def test_an_anonymous_card_shows_what_helps_the_client_decide(client, client_contact, client_states):
    client.force_login(client_contact.user)
    candidacy = client_states["unreleased"]
    html = client.get(reverse("client_candidate", args=[candidacy.pk])).content.decode()
    assert "Kandidat 1" in html and "Anonym" in html
    assert "Sanierungs-CFO, früher […] bei […]" in html  # the manager's own words, with identifiers cut out
    assert "[…] passt gut." in html  # staff's assessment, likewise
    assert "über 1.000 Mitarbeitende" in html  # the employer as company size
    assert "1.604 €" in html  # the offered price: 1337 plus 20 % margin
    assert "hat Erfahrung in der gesuchten Funktion" in html  # criteria met, in words


def test_a_released_card_names_the_person_and_offers_the_cv(client, client_contact, client_states):
    client.force_login(client_contact.user)
    candidacy = client_states["released"]
    html = client.get(reverse("client_candidate", args=[candidacy.pk])).content.decode()
    assert "Anna Berger" in html and "anna.berger@example.com" in html and "Siemens Healthineers AG" in html
    assert reverse("client_candidate_cv", args=[candidacy.pk]) in html
    assert_no_leak(html, identity_allowed=True, where="released card")  # still no own rate, no raw score


def test_the_score_shows_only_when_staff_choose_and_then_rounded_once(client, client_contact, client_states):
    candidacy = client_states["unreleased"]
    services.candidacy_update_for_client(
        candidacy=candidacy, note_for_client="", client_price=1600, show_score_to_client=True
    )
    client.force_login(client_contact.user)
    html = client.get(reverse("client_candidate", args=[candidacy.pk])).content.decode()
    assert "88 von 100" in html
    assert "87,6" not in html and "87.6" not in html


def test_client_mails_name_nobody(client_contact, client_states):
    drain_outbox()
    mails = [m for m in mail.outbox if m.to == [client_contact.user.email]]
    assert mails, "the client was told about the shortlists"
    for message in mails:
        assert_no_leak(message.subject + message.body + message.alternatives[0][0], where=message.subject)


# --- Manager-facing URLs ------------------------------------------------------------------------------------------

CLIENTS = {
    "match": "Alpha Anlagen GmbH",
    "asked": "Beta Bau GmbH",
    "asked_named": "Gamma Guss GmbH",
    "presented": "Delta Druck GmbH",
    "declined": "Epsilon Elektro GmbH",
    "placed": "Zeta Zement AG",
}
NAMED = {"asked_named", "placed"}
TOWNS = {
    "match": "Aachen",
    "asked": "Bocholt",
    "asked_named": "Goslar",
    "presented": "Detmold",
    "declined": "Emden",
    "placed": "Zwickau",
}


@pytest.fixture
def manager_states(anna, staff, other_manager, client_contact):
    states = {}
    for key, company in CLIENTS.items():
        contact = factories.client_contact(company_obj=factories.company(company))
        states[key] = _mandate(contact, staff, key, location_city=TOWNS[key])
    mandate_match(mandate_id=states["match"].pk)  # a match alert, for the mails below
    services.consent_request_send(
        candidacy=services.candidacy_add(mandate=states["asked"], manager=anna, by=staff), by=staff
    )
    services.consent_request_send(
        candidacy=services.candidacy_add(mandate=states["asked_named"], manager=anna, by=staff),
        by=staff,
        reveal_client=True,
    )
    presented = factories.presented(states["presented"], anna, staff, note="GEHEIM-Einschätzung", client_price=1777)
    services.client_feedback(
        candidacy=presented,
        user=presented.mandate.company.contacts.get().user,
        wants_meeting=False,
        comment="GEHEIM-Kommentar des Kunden",
    )
    declined = factories.presented(states["declined"], anna, staff, client_price=1777)
    services.client_feedback(
        candidacy=declined,
        user=declined.mandate.company.contacts.get().user,
        wants_meeting=False,
        comment="GEHEIM-Kommentar: Herr Vogel fand sie zu teuer",
    )
    services.candidacy_move(
        candidacy=declined,
        to_stage=Stage.DECLINED,
        by=staff,
        reason="GEHEIM-Grund intern",
        manager_reason=DeclineReason.TERMS,
    )
    placed = factories.presented(states["placed"], anna, staff, client_price=1777)
    services.placement_record(candidacy=placed, by=staff, manager_day_rate=1337, client_day_rate=1777)
    return states


def assert_manager_sees_no_secret(text, where):
    for secret in ["GEHEIM", "INTERN-Titel", "1777", "1.777", "Vogel"]:
        assert secret not in text, f"{secret!r} leaked in {where}"
    for key, company in CLIENTS.items():
        if key not in NAMED:
            assert company not in text, f"client {company!r} named before reveal in {where}"
            assert TOWNS[key] not in text, f"town of {company!r} named before reveal in {where}"


def test_manager_matrix(client, anna, manager_states):
    client.force_login(anna.user)
    dashboard = client.get(reverse("manager_dashboard"))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert_manager_sees_no_secret(html, "dashboard")
    assert "Interim CFO Nummer asked" in html and CLIENTS["asked_named"] in html  # requests, named where revealed
    assert CLIENTS["placed"] in html  # the placement names the client

    for key, mandate in manager_states.items():
        answer = client.post(reverse("manager_mandate_respond", args=[mandate.pk]), {"interested": "yes"})
        if answer.status_code != 302:
            assert_manager_sees_no_secret(answer.content.decode(), f"answer to {key}")

    export = client.post(reverse("manager_export"), {"password": PASSWORD})
    assert export.status_code == 200
    data = zipfile.ZipFile(io.BytesIO(export.content)).read("data.json").decode()
    assert_manager_sees_no_secret(data, "export")
    by_title = {c["mandate"]["title"]: c for c in json.loads(data)["candidacies"]}
    assert by_title["Interim CFO Nummer declined"]["reason_for_manager"] == str(DeclineReason.TERMS.label)
    assert by_title["Interim CFO Nummer placed"]["mandate"]["client_name"] == CLIENTS["placed"]


def test_the_consent_link_page_shows_no_secret(client, anna, manager_states):
    drain_outbox()
    for message in [m for m in mail.outbox if m.to == [anna.user.email] and "consent/link/" in m.body]:
        link = re.search(r"https?://\S+/manager/mandates/consent/link/[^/\s]+/", message.body).group(0)
        page = client.get(link)
        assert page.status_code == 200
        assert_manager_sees_no_secret(page.content.decode(), "consent page")


def test_manager_mails_show_no_secret(anna, manager_states):
    drain_outbox()
    mails = [m for m in mail.outbox if m.to == [anna.user.email]]
    kinds = {m.extra_headers["Message-ID"].split("-", 2)[2].split("@")[0] for m in mails}
    assert {
        "match_alert",
        "consent_request",
        "candidacy_shortlisted",
        "candidacy_presented",
        "candidacy_declined",
    } <= kinds
    for message in mails:
        assert_manager_sees_no_secret(message.subject + message.body + message.alternatives[0][0], message.subject)
    declined = next(m for m in mails if "candidacy_declined" in m.extra_headers["Message-ID"])
    assert str(DeclineReason.TERMS.label) in declined.body
