import pytest
from django.urls import reverse

from tests import factories
from tests.managers.files import upload


@pytest.mark.django_db
def test_staff_see_likely_duplicates_by_phone_or_linkedin(client, staff):
    factories.manager("a@example.com", first_name="Anna", last_name="Eins", phone="+49 30 111")
    factories.manager("b@example.com", first_name="Anna", last_name="Zwei", phone="+49 30 111")
    factories.manager("c@example.com", first_name="Carl", last_name="Link", linkedin_url="https://linkedin.com/in/c")
    factories.manager("d@example.com", first_name="Carla", last_name="Link", linkedin_url="https://linkedin.com/in/c")
    factories.manager("e@example.com", first_name="Einzel", last_name="Gänger", phone="+49 30 999")
    factories.login_with_totp(client, staff)
    html = client.get(reverse("admin:managers_managerprofile_changelist"), {"duplicates": "yes"}).content.decode()
    for email in ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]:
        assert email in html
    assert "e@example.com" not in html


@pytest.mark.django_db
def test_staff_open_the_cv_from_the_admin_through_the_authorising_view(client, staff, manager):
    client.force_login(manager.user)
    client.post(
        reverse("manager_section", args=["positioning"]), {"headline": "CFO", "summary": "x", "cv": upload("anna.pdf")}
    )
    factories.login_with_totp(client, staff)
    html = client.get(reverse("admin:managers_managerprofile_change", args=[manager.pk])).content.decode()
    link = reverse("manager_cv_staff", args=[manager.public_id])
    assert f'href="{link}"' in html
    assert client.get(link).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"status__exact": "active"}, {"availability": "stale"}, {"q": "Berger"}])
def test_staff_filter_and_search_profiles(client, staff, manager, other_manager, query):
    factories.login_with_totp(client, staff)
    response = client.get(reverse("admin:managers_managerprofile_changelist"), query)
    assert response.status_code == 200
    assert "manager@example.com" in response.content.decode()
