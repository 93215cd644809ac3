"""A new interim manager's whole journey in a real browser: from sign-up to deleting the account again."""

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from managers.models import ErasedManagerRecord, ManagerProfile
from tests.managers.files import PDF_BYTES

EMAIL = "nora.neumann@example.com"
PASSWORD = "Sichere-Passphrase-2026"
SUMMARY = (
    "Ich führe mittelständische Industrieunternehmen durch Restrukturierung und Refinanzierung: "
    "13-Wochen-Liquiditätsplanung, Bankenverhandlungen, Sanierungskonzept nach IDW S6 und ein Controlling, "
    "das der Geschäftsführung wieder Steuerung erlaubt."
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def save_and_continue(page, step_heading):
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(step_heading)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_registers_completes_the_profile_exports_and_deletes_the_account(
    reference_data, page, login, tmp_path
):
    # Register, with consent to the privacy notice.
    page.goto("/")
    page.get_by_role("link", name="Als Interim Manager registrieren").click()
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Vorname").fill("Nora")
    page.get_by_label("Nachname").fill("Neumann")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail")

    # Open the confirmation link from the mail (live_server runs in this process: the outbox is ours).
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/manager/$"))

    # Log out and back in through the login form.
    page.get_by_role("link", name="Abmelden").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#mainnav").get_by_role("link", name="Anmelden")).to_be_visible()
    login(EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen, Nora Neumann")

    # The wizard, step by step.
    page.get_by_role("link", name="Profil ausfüllen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Person und Kontakt")
    page.get_by_label("Telefon").fill("+49 221 1234567")
    page.get_by_label("LinkedIn-Profil").fill("https://www.linkedin.com/in/nora-neumann")
    save_and_continue(page, "Kurzprofil und Lebenslauf")

    cv = tmp_path / "Lebenslauf Nora.pdf"
    cv.write_bytes(PDF_BYTES)
    page.get_by_label("Kurzprofil").fill("Interim CFO für Restrukturierung im Mittelstand")
    page.get_by_label("Zusammenfassung / USP").fill(SUMMARY)
    page.get_by_label("Lebenslauf (PDF oder DOCX)").set_input_files(cv)
    save_and_continue(page, "Funktionen")

    page.get_by_label("Finanzen / CFO").check()
    save_and_continue(page, "Branchen")

    page.get_by_placeholder("Tippen zum Suchen …").fill("Maschinenb")
    expect(page.get_by_label("A Land- und Forstwirtschaft, Fischerei", exact=True)).to_be_hidden()
    page.get_by_label("28 Maschinenbau", exact=True).check()
    save_and_continue(page, "Kompetenzen")

    search = page.get_by_placeholder("Tippen zum Suchen …")
    for name in ["Finanzplanung", "Bankenverhandlungen", "Refinanzierung", "Konsolidierung", "Kostenrechnung"]:
        search.fill(name)
        # Search-as-you-type hides what does not match; Enter picks the single match.
        expect(page.get_by_label("Due Diligence")).to_be_hidden()
        search.press("Enter")
        expect(page.get_by_label(name, exact=True)).to_be_checked()
    expect(page.locator("[data-checklist-count]")).to_have_text("5")
    save_and_continue(page, "Sprachen")

    page.locator("select[name=lang-0-language]").select_option(label="Deutsch")
    page.locator("select[name=lang-0-level]").select_option(label="Muttersprache")
    page.locator("select[name=lang-1-language]").select_option(label="Englisch")
    page.locator("select[name=lang-1-level]").select_option(label="C1")
    save_and_continue(page, "Wohnort und Einsatzregionen")

    page.get_by_label("Wohnort").fill("Köln")
    page.get_by_label("PLZ").fill("50667")
    page.get_by_label("Heimatregion").select_option(label="Nordrhein-Westfalen")
    page.get_by_label("Deutschland", exact=True).check()
    save_and_continue(page, "Verfügbarkeit und Tagessatz")

    page.get_by_label("Tage pro Woche").select_option("4")
    page.get_by_label("Tagessatz minimal (EUR)").fill("1100")
    page.get_by_label("Tagessatz Ziel (EUR)").fill("1400")
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandat hinzufügen")

    page.get_by_label("Rolle").fill("Interim CFO")
    page.get_by_label("Unternehmen (oder Beschreibung)").fill("Familienunternehmen, Maschinenbau")
    page.get_by_label("Von").fill("2023-02-01")
    page.get_by_label("Bis").fill("2024-06-30")
    page.get_by_label("Ergebnis").fill("Refinanzierung über 40 Mio. EUR, Liquidität gesichert.")
    page.get_by_role("button", name="Speichern und abschließen").click()

    # Completeness reaches 100 %.
    expect(page.get_by_test_id("completeness-score")).to_have_text("100 %")

    # Edit one section afterwards.
    page.get_by_role("link", name="Mein Profil").click()
    page.locator("a[href='/manager/profile/positioning/']").first.click()
    page.get_by_label("Kurzprofil").fill("Interim CFO und CRO für den industriellen Mittelstand")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Interim CFO und CRO für den industriellen Mittelstand")).to_be_visible()

    # Export everything (asks for the password again).
    page.get_by_role("link", name="Meine Daten").click()
    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Daten herunterladen").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert "data.json" in archive.namelist()
    assert archive.read("cv/Lebenslauf_Nora.pdf") == PDF_BYTES
    assert "Interim CFO und CRO" in archive.read("data.json").decode()

    # Delete the account.
    page.get_by_role("link", name="Konto löschen …").click()
    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    page.get_by_label("Ich verstehe").check()
    page.get_by_role("button", name="Konto endgültig löschen").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihr Konto und alle Ihre Daten wurden gelöscht.")
    expect(page.locator("#mainnav").get_by_role("link", name="Anmelden")).to_be_visible()
    assert not get_user_model().objects.filter(email__iexact=EMAIL).exists()
    assert not ManagerProfile.objects.exists()
    assert ErasedManagerRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_switches_login_and_dashboard_to_english_and_back(reference_data, page, login, manager):
    from tests.factories import PASSWORD as FACTORY_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    login(manager.user.email, FACTORY_PASSWORD)
    expect(page.get_by_role("heading", name="Profile completeness")).to_be_visible()
    page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_role("heading", name="Vollständigkeit Ihres Profils")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reminder_link_confirms_availability_with_one_click_in_the_browser(reference_data, page, manager):
    from managers.tokens import availability_confirm_url

    page.goto(availability_confirm_url(manager))
    expect(page.get_by_role("status")).to_have_text("Danke! Ihre Verfügbarkeit ist als aktuell bestätigt.")
    manager.refresh_from_db()
    assert manager.availability_confirmed_at is not None
    page.reload()  # the link is single-use
    expect(page.get_by_role("alert")).to_contain_text("Dieser Link wurde bereits verwendet.")
