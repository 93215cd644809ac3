"""A client contact reads the shortlist of their own mandate and says whom they want to meet."""

import pytest
from playwright.sync_api import expect

from mandates import services
from mandates.models import Candidacy
from tests import factories
from tests.factories import PASSWORD

Stage = Candidacy.Stage


def shortlist(mandate, staff, profiles, note):
    for profile in profiles:
        candidacy = factories.consented(mandate, profile, staff)
        services.candidacy_update_for_client(
            candidacy=candidacy,
            note_for_client=f"{note} {profile.headline}",
            client_price=candidacy.client_price,
            show_score_to_client=False,
        )
        services.candidacy_move(candidacy=candidacy, to_stage=Stage.SHORTLISTED, by=staff)
    services.shortlist_send(mandate=mandate, by=staff)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_client_sees_only_their_shortlist_and_answers(reference_data, page, login):
    staff = factories.user("berater@example.com", staff=True)
    contact = factories.client_contact("kunde@example.com")
    other_contact = factories.client_contact("fremd@example.com")
    ours = factories.mandate(contact.company, title="CFO für unser Werk", owner=staff)
    theirs = factories.mandate(other_contact.company, title="Fremdes Mandat", owner=staff)
    first = factories.manager(headline="Sanierungs-CFO", last_name="Erstmann")
    second = factories.manager(headline="Controlling-Profi", last_name="Zweitmann")
    shortlist(ours, staff, [first, second], "Unsere Empfehlung:")
    shortlist(theirs, staff, [factories.manager(headline="Fremder Kandidat")], "Nur für die anderen:")

    login(contact.user.email, PASSWORD)
    page.goto("/client/")
    expect(page.get_by_role("link", name="CFO für unser Werk")).to_be_visible()
    expect(page.get_by_text("Fremdes Mandat")).to_have_count(0)
    page.get_by_role("link", name="CFO für unser Werk").click()

    candidates = page.locator("[data-testid=candidate]")
    expect(candidates).to_have_count(2)
    expect(page.get_by_text("Fremder Kandidat")).to_have_count(0)
    expect(page.get_by_text("Erstmann")).to_have_count(0)  # anonymised
    expect(candidates.first).to_contain_text("Unsere Empfehlung: Sanierungs-CFO")

    candidates.first.get_by_label("Ja, gern kennenlernen").check()
    candidates.first.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Danke")

    second_card = page.locator("[data-testid=candidate]").nth(1)
    second_card.get_by_label("Nein").check()
    second_card.get_by_role("button", name="Rückmeldung senden").click()
    # A "no" without a word is sent back, with the choice kept.
    second_card = page.locator("[data-testid=candidate]").nth(1)
    expect(second_card).to_contain_text("warum Sie diese Person nicht kennenlernen")
    expect(second_card.get_by_label("Nein")).to_be_checked()
    second_card.get_by_label("Kommentar").fill("Uns fehlt die Branchenerfahrung")
    second_card.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Danke")

    answers = dict(Candidacy.objects.filter(mandate=ours).values_list("manager__headline", "client_wants_meeting"))
    assert answers == {"Sanierungs-CFO": True, "Controlling-Profi": False}
    # A "no" is the client's answer; staff decide on the decline and on what the manager is told.
    assert Candidacy.objects.get(mandate=ours, manager=second).stage == Stage.PRESENTED
    expect(page.locator("[data-testid=candidate]").first).to_contain_text("Ihre Antwort: ja")

    page.goto(f"/client/mandates/{theirs.pk}/")
    expect(page.get_by_role("heading", name="Fremdes Mandat")).to_have_count(0)
