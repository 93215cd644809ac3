from datetime import date

import pytest
from django.urls import reverse

from managers.models import MandateHistoryEntry
from tests import factories
from tests.managers.files import PDF_BYTES, upload


@pytest.fixture
def other_entry(other_manager):
    return MandateHistoryEntry.objects.create(profile=other_manager, role="Interim CEO", started_on=date(2020, 1, 1))


@pytest.fixture
def other_cv(client, other_manager):
    client.force_login(other_manager.user)
    client.post(
        reverse("manager_section", args=["positioning"]),
        {"headline": "CEO", "summary": "Text", "cv": upload("bernd.pdf")},
    )
    client.logout()
    other_manager.refresh_from_db()
    assert other_manager.cv_file
    return other_manager


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["manager_history_edit", "manager_history_delete"])
def test_another_managers_history_entry_is_a_404(client, manager, other_entry, name):
    client.force_login(manager.user)
    assert client.get(reverse(name, args=[other_entry.pk])).status_code == 404
    assert client.post(reverse(name, args=[other_entry.pk]), {"role": "Gekapert"}).status_code == 404
    other_entry.refresh_from_db()
    assert other_entry.role == "Interim CEO"


@pytest.mark.django_db
def test_the_owner_edits_and_removes_their_own_history_entry(client, manager):
    entry = MandateHistoryEntry.objects.create(profile=manager, role="Interim CFO", started_on=date(2021, 3, 1))
    client.force_login(manager.user)
    response = client.post(
        reverse("manager_history_edit", args=[entry.pk]),
        {"role": "Interim CFO (Restrukturierung)", "started_on": "2021-03-01", "outcome": "Turnaround"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.role == "Interim CFO (Restrukturierung)"
    client.post(reverse("manager_history_delete", args=[entry.pk]))
    assert not MandateHistoryEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def not_served(response):
    """The staff CV URL, asked by someone without staff rights: sent to the staff login (which sends a logged-in
    person on to their own start page), never the file."""
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_another_managers_cv_is_not_served_to_a_manager(client, manager, other_cv):
    client.force_login(manager.user)
    assert not_served(client.get(reverse("manager_cv_staff", args=[other_cv.public_id])))
    # Their own CV URL serves only their own file (they have none).
    assert client.get(reverse("manager_cv")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["client_contact", "outsider"])
def test_a_cv_is_not_served_to_clients_and_outsiders(client, other_cv, persona, request):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))
    assert not_served(client.get(reverse("manager_cv_staff", args=[other_cv.public_id])))


@pytest.mark.django_db
def test_the_owner_downloads_their_cv(client, other_cv):
    client.force_login(other_cv.user)
    response = client.get(reverse("manager_cv"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bernd.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_staff_downloads_any_cv(client, staff, other_cv):
    factories.login_with_totp(client, staff)
    response = client.get(reverse("manager_cv_staff", args=[other_cv.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, other_cv):
    response = client.get(reverse("manager_cv"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["manager_dashboard", "manager_profile", "manager_notifications", "manager_export", "manager_delete"],
)
def test_people_without_a_manager_profile_get_404_on_manager_pages(client, client_contact, url):
    client.force_login(client_contact.user)
    assert client.get(reverse(url)).status_code == 404


@pytest.mark.django_db
def test_the_profile_page_does_not_grow_queries_with_more_data(client, manager, django_assert_max_num_queries):
    from managers.models import Skill

    manager.skills.set(Skill.objects.all()[:20])
    for year in range(2010, 2020):
        MandateHistoryEntry.objects.create(profile=manager, role=f"Rolle {year}", started_on=date(year, 1, 1))
    client.force_login(manager.user)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("manager_profile")).status_code == 200
