from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from managers.models import CEFR, Function, Industry, Language, ManagerProfile, Region, Skill
from managers.signals import profile_changed


@pytest.fixture
def signals():
    received = []

    def receiver(sender, profile_id, **kwargs):
        received.append(profile_id)

    profile_changed.connect(receiver)
    yield received
    profile_changed.disconnect(receiver)


def edit(client, section, data):
    return client.post(reverse("manager_section", args=[section]), data)


@pytest.mark.django_db
def test_saving_a_section_sends_profile_changed_only_after_commit(
    client, manager, signals, django_capture_on_commit_callbacks
):
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit(client, "functions", {"functions": [Function.objects.get(code="cfo").pk]})
    assert signals == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert signals == [manager.id]
    assert list(manager.functions.values_list("code", flat=True)) == ["cfo"]


@pytest.mark.django_db
def test_personal_data_is_saved_on_user_and_profile(client, manager):
    client.force_login(manager.user)
    response = edit(
        client,
        "personal",
        {
            "first_name": "Anna-Lena",
            "last_name": "Berger",
            "phone": "+49 221 987654",
            "linkedin_url": "https://www.linkedin.com/in/anna",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    manager.user.refresh_from_db()
    assert manager.user.first_name == "Anna-Lena"
    assert manager.phone == "+49 221 987654"


@pytest.mark.django_db
def test_invalid_personal_data_gets_german_messages_and_keeps_the_input(client, manager):
    client.force_login(manager.user)
    response = edit(
        client, "personal", {"first_name": "Anna", "last_name": "", "phone": "abc", "linkedin_url": "https://x.com/a"}
    )
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert "Bitte geben Sie eine Telefonnummer an" in html
    assert "Bitte geben Sie die Adresse Ihres LinkedIn-Profils an." in html
    assert 'value="abc"' in html and 'value="https://x.com/a"' in html


@pytest.mark.django_db
def test_availability_rejects_a_past_date_and_a_minimum_above_the_target(client, manager):
    client.force_login(manager.user)
    response = edit(
        client,
        "availability",
        {
            "available_from": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "days_per_week": "4",
            "day_rate_min": "1500",
            "day_rate_target": "1200",
        },
    )
    html = response.content.decode()
    assert "Das Datum liegt in der Vergangenheit." in html
    assert "Der minimale Tagessatz darf nicht über dem Ziel-Tagessatz liegen." in html


@pytest.mark.django_db
def test_saving_availability_counts_as_confirming_it(client, manager):
    client.force_login(manager.user)
    day = timezone.localdate() + timedelta(days=30)
    edit(
        client,
        "availability",
        {"available_from": day.isoformat(), "days_per_week": "3", "day_rate_min": "900", "day_rate_target": "1100"},
    )
    manager.refresh_from_db()
    assert manager.available_from == day and manager.days_per_week == 3
    assert manager.availability_confirmed_at is not None


@pytest.mark.django_db
def test_skills_industries_and_mobility_are_chosen_from_reference_lists(client, manager):
    client.force_login(manager.user)
    skills = list(Skill.objects.values_list("pk", flat=True)[:6])
    edit(client, "skills", {"skills": skills})
    edit(client, "industries", {"industries": [Industry.objects.get(code="28").pk]})
    response = edit(
        client,
        "mobility",
        {
            "city": "München",
            "postal_code": "80331",
            "home_region": Region.objects.get(code="DE-BY").pk,
            "accepted_regions": [Region.objects.get(code="DE").pk, Region.objects.get(code="AT").pk],
            "remote_share": "40",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.skills.count() == 6
    assert manager.industries.get().code == "28"
    assert manager.city == "München" and manager.remote_share == 40


@pytest.mark.django_db
def test_an_unknown_skill_id_is_refused(client, manager):
    client.force_login(manager.user)
    response = edit(client, "skills", {"skills": ["999999"]})
    assert response.status_code == 200
    assert "ist keine gültige Auswahl" in response.content.decode()


@pytest.mark.django_db
def test_languages_are_replaced_and_duplicates_refused(client, manager):
    client.force_login(manager.user)
    de, en = Language.objects.get(code="de"), Language.objects.get(code="en")
    base = {"lang-TOTAL_FORMS": "3", "lang-INITIAL_FORMS": "0"}
    response = edit(
        client,
        "languages",
        {
            **base,
            "lang-0-language": de.pk,
            "lang-0-level": CEFR.NATIVE,
            "lang-1-language": de.pk,
            "lang-1-level": CEFR.B2,
        },
    )
    assert "Jede Sprache bitte nur einmal angeben." in response.content.decode()
    response = edit(
        client,
        "languages",
        {
            **base,
            "lang-0-language": de.pk,
            "lang-0-level": CEFR.NATIVE,
            "lang-1-language": en.pk,
            "lang-1-level": CEFR.C1,
        },
    )
    assert response.status_code == 302
    assert {(ls.language.code, ls.level) for ls in manager.language_skills.all()} == {
        ("de", CEFR.NATIVE),
        ("en", CEFR.C1),
    }


@pytest.mark.django_db
def test_a_language_without_level_is_explained(client, manager):
    client.force_login(manager.user)
    response = edit(
        client,
        "languages",
        {"lang-TOTAL_FORMS": "1", "lang-INITIAL_FORMS": "0", "lang-0-language": Language.objects.get(code="fr").pk},
    )
    assert "Bitte wählen Sie ein Niveau." in response.content.decode()


@pytest.mark.django_db
def test_history_validates_dates(client, manager):
    client.force_login(manager.user)
    response = client.post(
        reverse("manager_history_add"), {"role": "CFO", "started_on": "2022-05-01", "ended_on": "2021-01-01"}
    )
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.content.decode()
    assert manager.history.count() == 0


@pytest.mark.django_db
def test_the_wizard_walks_every_section_and_ends_on_the_dashboard(client, manager):
    from managers.views import SECTIONS

    client.force_login(manager.user)
    response = client.get(reverse("manager_wizard_start"))
    assert response["Location"] == reverse("manager_wizard", args=[SECTIONS[0].slug])
    response = client.post(
        reverse("manager_wizard", args=["personal"]),
        {"first_name": "Anna", "last_name": "Berger", "phone": "+49 30 123456"},
    )
    assert response["Location"] == reverse("manager_wizard", args=["positioning"])
    assert "Schritt 2 von 9" in client.get(response["Location"]).content.decode()
    response = client.post(
        reverse("manager_wizard", args=["history"]),
        {"role": "Interim CFO", "started_on": "2020-01-01", "outcome": "Refinanzierung"},
    )
    assert response["Location"] == reverse("manager_dashboard")


@pytest.mark.django_db
def test_the_wizard_resumes_at_the_first_open_step(client, manager):
    manager.phone = "+49 30 123456"
    manager.summary = "x" * 250
    manager.cv_file = "cv/some-random-name.pdf"
    manager.save()
    client.force_login(manager.user)
    assert client.get(reverse("manager_wizard_start"))["Location"] == reverse("manager_wizard", args=["functions"])


@pytest.mark.django_db
def test_an_unknown_section_is_a_404(client, manager):
    client.force_login(manager.user)
    assert client.get(reverse("manager_section", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_notification_preferences_are_saved(client, manager):
    client.force_login(manager.user)
    response = client.get(reverse("manager_notifications"))
    page = response.content.decode()
    assert "Tägliche Zusammenfassung" in page
    assert '<option value="Europe/Berlin" selected>Europe/Berlin</option>' in page
    client.post(
        reverse("manager_notifications"),
        {"notify_matches": "daily", "email_language": "en", "time_zone": "America/New_York"},
    )
    manager.refresh_from_db()
    assert manager.notify_matches == ManagerProfile.Notify.DAILY
    assert manager.email_language == "en"
    assert manager.time_zone == "America/New_York"


@pytest.mark.django_db
def test_a_bad_notification_choice_is_refused(client, manager):
    client.force_login(manager.user)
    response = client.post(
        reverse("manager_notifications"),
        {"notify_matches": "hourly", "email_language": "de", "time_zone": "Mars/Olympus_Mons"},
    )
    page = response.content.decode()
    assert page.count("ist keine gültige Auswahl") == 2
    manager.refresh_from_db()
    assert manager.notify_matches == ManagerProfile.Notify.INSTANT
    assert manager.time_zone == "Europe/Berlin"
