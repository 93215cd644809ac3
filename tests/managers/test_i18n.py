"""German first, English second: our pages and allauth's render in both and switch from every page."""

import pytest
from django.urls import reverse

from managers.models import ManagerProfile

ANONYMOUS_PAGES = [
    ("account_login", "Noch kein Konto?", "No account yet?"),
    ("account_signup", "Als Interim Manager registrieren", "Sign up as an interim manager"),
    ("account_reset_password", "Passwort vergessen", "Forgot your password"),
    ("account_email_verification_sent", "Bitte E-Mail-Adresse bestätigen", "Please confirm your email address"),
    ("home", "Interim-Mandate, die zu Ihnen passen.", "Interim mandates that fit you."),
]
MANAGER_PAGES = [
    ("manager_dashboard", [], "Vollständigkeit Ihres Profils", "Profile completeness"),
    ("manager_profile", [], "Mein Profil", "My profile"),
    ("manager_section", ["skills"], "Tippen zum Suchen …", "Type to search …"),
    ("manager_section", ["availability"], "Tagessatz Ziel (EUR)", "Target day rate (EUR)"),
    ("manager_history", [], "Mandat hinzufügen", "Add mandate"),
    ("manager_notifications", [], "Tägliche Zusammenfassung", "Daily digest"),
    ("manager_export", [], "Meine Daten herunterladen", "Download my data"),
    ("manager_delete", [], "Konto endgültig löschen", "Delete account permanently"),
    ("account_logout", [], "Möchten Sie sich wirklich abmelden?", "Do you really want to sign out?"),
]


def switch(client, language, path):
    response = client.post(reverse("set_language"), {"language": language, "next": path})
    assert response.status_code == 302 and response["Location"] == path


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "german", "english"), ANONYMOUS_PAGES)
def test_public_and_account_pages_render_in_german_and_english(client, name, german, english):
    path = reverse(name)
    page = client.get(path).content.decode()
    assert german in page and 'lang="de"' in page
    assert 'name="language" value="en"' in page  # the switcher is on the page
    switch(client, "en", path)
    page = client.get(path).content.decode()
    assert english in page and 'lang="en"' in page
    switch(client, "de", path)
    assert german in client.get(path).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "german", "english"), MANAGER_PAGES)
def test_manager_pages_render_in_german_and_english(client, manager, name, args, german, english):
    client.force_login(manager.user)
    path = reverse(name, args=args)
    page = client.get(path).content.decode()
    assert german in page
    switch(client, "en", path)
    page = client.get(path).content.decode()
    assert english in page and german not in page


@pytest.mark.django_db
def test_dates_and_rates_are_shown_the_german_way_in_german_and_english_way_in_english(client, manager):
    from datetime import date

    manager.available_from = date(2030, 3, 1)
    manager.day_rate_target = 1250
    manager.save()
    client.force_login(manager.user)
    page = client.get(reverse("manager_profile")).content.decode()
    assert "01.03.2030" in page and "1.250 €" in page
    switch(client, "en", reverse("manager_profile"))
    page = client.get(reverse("manager_profile")).content.decode()
    assert "03/01/2030" in page and "1,250 €" in page


@pytest.mark.django_db
def test_the_confirmation_mail_is_written_in_the_visitors_language(client, mailoutbox):
    switch(client, "en", reverse("account_signup"))
    client.post(
        reverse("account_signup"),
        {
            "email": "eng@example.com",
            "first_name": "Emma",
            "last_name": "English",
            "privacy_consent": "on",
            "password1": "Sichere-Passphrase-2026",
            "password2": "Sichere-Passphrase-2026",
        },
    )
    assert "Please confirm your email address" in mailoutbox[0].subject
    assert "please confirm your email address for MANATNET" in mailoutbox[0].body
    # Later notification mails follow the language of sign-up until the manager changes it.
    assert ManagerProfile.objects.get(user__email="eng@example.com").email_language == "en"
