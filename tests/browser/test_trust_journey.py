"""Consent, anonymity and confidentiality, walked in the browser by staff, a manager and a client.

Staff open a mandate → a matching manager receives a consent request and agrees in the browser → staff add them
and send the shortlist → the client sees an anonymous card (no name, employer or CV link in the HTML) → staff
release → the client sees the name and downloads the CV → the manager uploads a new CV → the client still gets the
released one → staff place another candidate → the client gets 404 for the first candidate's card and CV.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from managers.cv import store_cv
from managers.models import MandateHistoryEntry
from mandates.models import Candidacy, Mandate
from notifications.tasks import drain_outbox
from tests import factories
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.managers.files import PDF_BYTES

SKILLS = ("financial-planning", "liquidity-management")
FIRST_CV = PDF_BYTES.replace(b"%%EOF", b"% first CV\n%%EOF")
SECOND_CV = PDF_BYTES.replace(b"%%EOF", b"% second CV, uploaded later\n%%EOF")


class Upload:
    """What ``store_cv`` reads from an upload."""

    def __init__(self, content):
        self.content = content

    def seek(self, position):
        pass

    def chunks(self):
        yield self.content


def persona(browser, live_server, email):
    """A browser context of its own, logged in through the real form (or anonymous without ``email``)."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        sign_in(page, email, PASSWORD)
    return page


def row_of(page, name):
    return page.locator("[data-testid=shortlist-row]").filter(has=page.get_by_text(name, exact=True))


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return open(info.value.path(), "rb").read()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_consent_then_anonymous_card_then_release_with_a_frozen_cv_until_access_ends(
    reference_data, browser, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    staff = factories.user("beraterin@example.com", staff=True)
    contact = factories.client_contact("kunde@example.com")
    mandate = factories.mandate(
        contact.company,
        title="CFO Werk Nord",
        public_title="Interim CFO im Maschinenbau",
        skills=SKILLS,
        function="cfo",
        owner=staff,
        status=Mandate.Status.DRAFT,
        opened_at=None,
    )
    mandate.contacts.add(contact)
    anna = factories.manager(
        "anna.berger@example.com", first_name="Anna", last_name="Berger", skills=SKILLS, functions=("cfo",)
    )
    MandateHistoryEntry.objects.create(
        profile=anna, role="CFO", company="Siemens Healthineers AG", company_size="xl", started_on="2019-01-01"
    )
    anna.cv_file, anna.cv_original_name = store_cv(Upload(FIRST_CV), "pdf"), "Lebenslauf_Berger.pdf"
    anna.save()
    bernd = factories.manager(
        "bernd.krause@example.com", first_name="Bernd", last_name="Krause", skills=SKILLS, functions=("cfo",)
    )

    # Staff open the mandate and put both matching managers on the list.
    office = persona(browser, live_server, staff.email)
    office.goto(f"/admin/mandates/mandate/{mandate.pk}/change/")
    office.get_by_role("button", name="Mandat eröffnen").click()
    expect(office).to_have_url(re.compile(r"/ranking/$"))
    for name in ("Anna Berger", "Bernd Krause"):
        office.locator("[data-testid=ranked-candidate]").filter(has_text=name).get_by_role(
            "button", name="Zur Shortlist"
        ).click()
        office.wait_for_load_state()
    office.goto(f"/admin/mandates/mandate/{mandate.pk}/shortlist/")

    # Anna is asked and agrees through the link in her mail, without logging in.
    row_of(office, "Anna Berger").get_by_role("button", name="Zustimmung anfragen").click()
    expect(office.locator(".messagelist")).to_contain_text("Zustimmungsanfrage an Anna Berger gesendet")
    drain_outbox()
    request_mail = next(m for m in mail.outbox if m.to == [anna.user.email] and "vorstellen" in m.subject)
    link = re.search(r"https?://\S+/manager/mandates/consent/link/[^/\s]+/", request_mail.body).group(0)
    inbox = persona(browser, live_server, None)
    inbox.goto(link)
    expect(inbox.get_by_text("Interim CFO im Maschinenbau")).to_be_visible()
    inbox.get_by_role("button", name="Ja, ich stimme zu").click()
    expect(inbox.get_by_test_id("consent-done")).to_contain_text("Danke")
    candidacy = Candidacy.objects.get(mandate=mandate, manager=anna)
    assert candidacy.consent_at is not None

    # Staff shortlist her and send the shortlist.
    office.reload()
    expect(row_of(office, "Anna Berger").get_by_test_id("consent")).to_contain_text("Zustimmung")
    row = row_of(office, "Anna Berger")
    row.locator(f"select[name=m{candidacy.pk}-to_stage]").select_option("shortlisted")
    row.get_by_role("button", name="Phase ändern").click()
    office.get_by_role("button", name=re.compile("Shortlist an den Kunden senden")).click()
    expect(office.locator(".messagelist")).to_contain_text("Shortlist mit 1 Kandidat(en) an den Kunden gesendet")

    # The client sees an anonymous card.
    customer = persona(browser, live_server, contact.user.email)
    customer.goto(f"/client/mandates/{mandate.pk}/")
    card = customer.get_by_test_id("candidate")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Kandidat 1")
    html = customer.content()
    cv_url = f"/client/candidates/{candidacy.pk}/cv/"
    for hidden in ("Anna", "Berger", "Siemens", "Lebenslauf_Berger", cv_url, "Lebenslauf herunterladen"):
        assert hidden not in html, hidden
    assert "über 1.000 Mitarbeitende" in html

    # Staff release her identity; the client sees the name and downloads the CV.
    row_of(office, "Anna Berger").get_by_role("button", name="Identität freigeben").click()
    expect(office.locator(".messagelist")).to_contain_text("Identität von Anna Berger für den Kunden freigegeben")
    customer.reload()
    expect(customer.get_by_test_id("candidate-label")).to_have_text("Anna Berger")
    expect(customer.get_by_test_id("candidate")).to_contain_text("Siemens Healthineers AG")
    assert download(customer, "Lebenslauf herunterladen") == FIRST_CV

    # Anna uploads a new CV; the client still gets the one released to them.
    cv_file = tmp_path / "Lebenslauf neu.pdf"
    cv_file.write_bytes(SECOND_CV)
    own = persona(browser, live_server, anna.user.email)
    own.goto("/manager/profile/positioning/")
    own.get_by_label("Zusammenfassung / USP").fill("Erfahrene Finanzchefin für Restrukturierungen im Mittelstand.")
    own.get_by_label("Neuen Lebenslauf hochladen (PDF oder DOCX)").set_input_files(cv_file)
    own.get_by_role("button", name="Speichern").click()
    expect(own.get_by_role("alert")).to_contain_text("gespeichert")
    anna.refresh_from_db()
    assert anna.cv_original_name == "Lebenslauf_neu.pdf"
    customer.reload()
    assert download(customer, "Lebenslauf herunterladen") == FIRST_CV

    # Staff place Bernd; Anna's card and CV are gone for the client.
    office.reload()
    row_of(office, "Bernd Krause").get_by_role("button", name="Platzierung erfassen").click()
    expect(office.locator(".messagelist")).to_contain_text("das Mandat ist gewonnen")
    assert bernd.placements.get().client_day_rate is not None

    assert customer.goto(f"/client/candidates/{candidacy.pk}/").status == 404
    assert customer.request.get(cv_url).status == 404
    customer.goto(f"/client/mandates/{mandate.pk}/")
    expect(customer.get_by_test_id("candidate-record")).to_contain_text("Kandidat 1")
    assert "Anna" not in customer.content()

    for page in (office, inbox, customer, own):
        page.context.close()
