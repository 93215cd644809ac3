import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from managers.models import ManagerProfile, PrivacyConsent

SIGNUP = {
    "email": "neu@example.com",
    "first_name": "Nora",
    "last_name": "Neumann",
    "privacy_consent": "on",
    "password1": "Sichere-Passphrase-2026",
    "password2": "Sichere-Passphrase-2026",
}


def signup(client, **changes):
    return client.post(reverse("account_signup"), {**SIGNUP, **changes})


@pytest.mark.django_db
def test_signup_creates_a_profile_records_consent_and_sends_a_confirmation_mail(client, settings):
    response = signup(client)
    assert response.status_code == 302
    profile = ManagerProfile.objects.get(user__email="neu@example.com")
    assert profile.user.get_full_name() == "Nora Neumann"
    assert profile.email_language == "de"
    consent = PrivacyConsent.objects.get(user=profile.user)
    assert consent.version == settings.PRIVACY_NOTICE_VERSION
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body)


@pytest.mark.django_db
def test_signup_without_consent_is_refused_with_the_reason(client):
    response = signup(client, privacy_consent="")
    assert "Ohne Ihre Einwilligung können wir kein Profil für Sie anlegen." in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@example.com").exists()


@pytest.mark.django_db
def test_the_same_email_cannot_register_twice_whatever_its_case(client, manager):
    response = signup(client, email="MANAGER@Example.COM")
    # allauth does not reveal that the address is taken (no account enumeration); it mails the owner instead.
    assert response.status_code == 302
    assert get_user_model().objects.filter(email__iexact="manager@example.com").count() == 1
    assert ManagerProfile.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["MANAGER@Example.COM"] or mail.outbox[0].to == ["manager@example.com"]


@pytest.mark.django_db
def test_confirming_the_email_logs_in_and_leads_to_the_dashboard(client):
    signup(client)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("manager_dashboard")
    assert "Profil ausfüllen" in response.content.decode()


@pytest.mark.django_db
def test_an_unconfirmed_manager_cannot_log_in(client):
    signup(client)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "neu@example.com", "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_password_reset_sends_a_mail(client, manager):
    client.post(reverse("account_reset_password"), {"email": "manager@example.com"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_manager_changes_the_password_from_my_data(client, manager):
    from tests.factories import PASSWORD

    client.force_login(manager.user)
    assert reverse("account_change_password") in client.get(reverse("manager_export")).content.decode()
    page = client.get(reverse("account_change_password")).content.decode()
    assert "Passwort ändern" in page
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Neue-Passphrase-2027", "password2": "Neue-Passphrase-2027"},
    )
    manager.user.refresh_from_db()
    assert manager.user.check_password("Neue-Passphrase-2027")


@pytest.mark.django_db
def test_before_registering_a_person_reads_an_honest_base_rate_with_its_basis(client):
    from datetime import timedelta

    from django.utils import timezone

    from mandates.analytics import store
    from tests.mandates.histories import History, write

    now = timezone.now()
    write(
        [History(now - timedelta(days=300), placed_at=now - timedelta(days=300 - 20 * (i % 12))) for i in range(24)]
        + [History(now - timedelta(days=250 + i)) for i in range(36)]
    )
    html = client.get(reverse("account_signup")).content.decode()
    assert 'id="signup-base-rate"' not in html  # nothing computed yet: the public page computes nothing
    store.warm()
    html = client.get(reverse("account_signup")).content.decode()
    sentence = re.sub(r"\s+", " ", re.search(r'id="signup-base-rate">(.*?)</div>', html, re.S).group(1))
    share = store.base_rate()["share"]
    assert 0 < share < 100
    assert f"hatten etwa {share} % innerhalb von sechs Monaten nach der Registrierung ein erstes Mandat" in sentence
    assert "geschätzt aus 60 Verläufen" in sentence and "Vertriebskanal von mehreren" in sentence
    assert html.index('id="signup-base-rate"') < html.index('type="submit">Registrieren')  # before they commit
